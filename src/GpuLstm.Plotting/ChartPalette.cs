using ScottPlot;

namespace GpuLstm.Plotting;

/// <summary>
/// The chart's line styles. Each series has its own colour and the baselines also their own dash
/// pattern, so they stay apart in greyscale and for colour-blind readers (Tableau 10 colours).
/// </summary>
internal static class ChartPalette
{
    public static readonly Color Train = Color.FromHex("#1F77B4");
    public static readonly Color Validation = Color.FromHex("#FF7F0E");
    public static readonly Color Actual = Color.FromHex("#222222");
    public static readonly Color Forecast = Color.FromHex("#D62728");

    /// <summary>Baselines in order (seasonal naive, persistence, then any further ones), cycling.</summary>
    public static readonly IReadOnlyList<(Color Color, LinePattern Pattern)> Baselines =
    [
        (Color.FromHex("#2CA02C"), LinePattern.Dashed),
        (Color.FromHex("#9467BD"), LinePattern.Dotted),
        (Color.FromHex("#8C564B"), LinePattern.DenselyDashed),
        (Color.FromHex("#17BECF"), LinePattern.Dashed),
    ];

    public static (Color Color, LinePattern Pattern) Baseline(int index) => Baselines[index % Baselines.Count];
}
