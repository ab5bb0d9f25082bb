namespace GpuLstm.Plotting;

/// <summary>
/// One chart in a <see cref="PngPlot"/>: a title, axis labels and named lines. Each axis runs
/// over the data with a little padding, unless you set its range.
/// </summary>
public sealed class PlotPanel
{
    private readonly List<PlotLine> _lines = [];

    internal PlotPanel(string title, string xLabel, string yLabel)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    public string Title { get; }

    public string XLabel { get; }

    public string YLabel { get; }

    /// <summary>
    /// Log10 y axis, for loss curves that fall over decades. Zero and negative values cannot be
    /// shown, so they break the line just as NaN does.
    /// </summary>
    public bool LogY { get; set; }

    /// <summary>Fixed x range, or null to fit it to the data.</summary>
    public (double Min, double Max)? XRange { get; private set; }

    /// <summary>Fixed y range, or null to fit it to the data.</summary>
    public (double Min, double Max)? YRange { get; private set; }

    /// <summary>Number of lines added so far.</summary>
    public int LineCount => _lines.Count;

    internal IReadOnlyList<PlotLine> Lines => _lines;

    /// <summary>
    /// Adds a line through (xs[i], ys[i]). A NaN or infinite x or y leaves a gap. A line with an
    /// empty <paramref name="name"/> is left out of the legend.
    /// </summary>
    /// <param name="width">Stroke width in pixels.</param>
    /// <param name="dashed">Dashed stroke, to tell apart a line that lies on top of another.</param>
    public PlotPanel AddLine(string name, IReadOnlyList<double> xs, IReadOnlyList<double> ys, PlotColor color,
        double width = 2, bool dashed = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (xs.Count != ys.Count)
            throw new ArgumentException($"Line '{name}': {xs.Count} x values but {ys.Count} y values.");
        if (!(width > 0 && width <= 50))
            throw new ArgumentOutOfRangeException(nameof(width), width, "Stroke width must be in (0, 50] pixels.");
        _lines.Add(new PlotLine(name, [.. xs], [.. ys], color, width, dashed));
        return this;
    }

    /// <summary>Adds a line with x = 0, 1, 2, ... (the index of each y value).</summary>
    public PlotPanel AddLine(string name, IReadOnlyList<double> ys, PlotColor color, double width = 2, bool dashed = false)
    {
        ArgumentNullException.ThrowIfNull(ys);
        return AddLine(name, Enumerable.Range(0, ys.Count).Select(i => (double)i).ToArray(), ys, color, width, dashed);
    }

    /// <summary>Fixes the x axis to [min, max]. Parts of lines outside it are clipped.</summary>
    public PlotPanel SetXRange(double min, double max)
    {
        XRange = CheckRange(min, max, "x");
        return this;
    }

    /// <summary>Fixes the y axis to [min, max] (both positive when <see cref="LogY"/>). Parts of lines outside it are clipped.</summary>
    public PlotPanel SetYRange(double min, double max)
    {
        YRange = CheckRange(min, max, "y");
        return this;
    }

    private static (double, double) CheckRange(double min, double max, string axis)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
            throw new ArgumentException($"The {axis} range [{min}, {max}] must be finite with min < max.");
        return (min, max);
    }
}
