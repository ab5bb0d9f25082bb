using ScottPlot;
using SkiaSharp;

namespace GpuLstm.Plotting;

/// <summary>
/// The one typeface every chart's text is drawn with: DejaVu Sans, embedded in this assembly.
/// </summary>
/// <remarks>
/// The Linux Skia build without native dependencies finds fonts only by scanning
/// <c>/usr/share/fonts</c>. On a machine with none (a fresh container) ScottPlot then gets an empty
/// typeface and writes a chart with no text at all, without any error; where fonts exist it takes
/// whichever the scan finds first (DejaVu Serif on Debian). Drawing with a bundled font gives the same,
/// readable chart everywhere and needs no font package.
/// </remarks>
internal static class ChartFont
{
    /// <summary>The family name charts ask ScottPlot for; no installed font uses it.</summary>
    public const string Name = "GpuLstm DejaVu Sans";

    private const string Resource = "GpuLstm.Plotting.DejaVuSans.ttf";

    private static readonly Lazy<SKTypeface> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock RegisterLock = new();

    /// <summary>The bundled typeface; throws if it is missing or cannot draw the digits and letters.</summary>
    public static SKTypeface Typeface => Loaded.Value;

    /// <summary>
    /// Makes <see cref="Name"/> resolvable through ScottPlot's (process-wide) font resolvers, ahead of
    /// the system resolver, which would otherwise answer any unknown name with the default typeface.
    /// </summary>
    public static void Register()
    {
        _ = Typeface; // fail here, with the reason, rather than later with a chart without text
        lock (RegisterLock)
        {
            // Checked each time rather than remembered: ScottPlot's Fonts.Reset() drops added resolvers.
            if (!Fonts.FontResolvers.OfType<Resolver>().Any())
                Fonts.FontResolvers.Insert(0, new Resolver());
        }
    }

    private static SKTypeface Load()
    {
        using var stream = typeof(ChartFont).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The chart font resource '{Resource}' is missing from {typeof(ChartFont).Assembly.GetName().Name}.");
        var typeface = SKTypeface.FromStream(stream);
        if (typeface is null || !typeface.ContainsGlyphs("0123456789.-eEpochlsTtAaVv"))
            throw new InvalidOperationException($"The chart font resource '{Resource}' could not be loaded by SkiaSharp; charts would have no readable text.");
        return typeface;
    }

    /// <summary>Answers only for <see cref="Name"/>, with the regular face whatever the weight asked for.</summary>
    private sealed class Resolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            string.Equals(fontName, Name, StringComparison.OrdinalIgnoreCase) ? Typeface : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            CreateTypeface(fontName, weight >= FontWeight.SemiBold, slant != FontSlant.Upright);
    }
}
