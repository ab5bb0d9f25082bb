namespace GpuLstm.Plotting;

/// <summary>An opaque 8-bit RGB color. The named colors are the matplotlib "tab10" palette, so lines stay easy to tell apart.</summary>
public readonly record struct PlotColor(byte R, byte G, byte B)
{
    public static PlotColor Blue { get; } = new(0x1f, 0x77, 0xb4);
    public static PlotColor Orange { get; } = new(0xff, 0x7f, 0x0e);
    public static PlotColor Green { get; } = new(0x2c, 0xa0, 0x2c);
    public static PlotColor Red { get; } = new(0xd6, 0x27, 0x28);
    public static PlotColor Purple { get; } = new(0x94, 0x67, 0xbd);
    public static PlotColor Brown { get; } = new(0x8c, 0x56, 0x4b);
    public static PlotColor Pink { get; } = new(0xe3, 0x77, 0xc2);
    public static PlotColor Gray { get; } = new(0x7f, 0x7f, 0x7f);
    public static PlotColor Olive { get; } = new(0xbc, 0xbd, 0x22);
    public static PlotColor Cyan { get; } = new(0x17, 0xbe, 0xcf);
    public static PlotColor Black { get; } = new(0, 0, 0);
    public static PlotColor White { get; } = new(0xff, 0xff, 0xff);

    /// <summary>The palette in order, for assigning colors to many lines.</summary>
    public static IReadOnlyList<PlotColor> Palette { get; } =
        [Blue, Orange, Green, Red, Purple, Brown, Pink, Gray, Olive, Cyan];

    /// <summary>Parses "#rrggbb" or "rrggbb".</summary>
    public static PlotColor FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var digits = hex.AsSpan().TrimStart('#');
        if (digits.Length != 6 || !uint.TryParse(digits, System.Globalization.NumberStyles.HexNumber, null, out uint v))
            throw new FormatException($"'{hex}' is not a color of the form #rrggbb.");
        return new PlotColor((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}";
}
