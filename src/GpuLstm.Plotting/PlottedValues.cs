namespace GpuLstm.Plotting;

/// <summary>The y values as ScottPlot gets them.</summary>
internal static class PlottedValues
{
    /// <summary>
    /// A copy with every infinity turned into NaN. ScottPlot leaves a gap at a NaN, which is the honest
    /// picture of a diverged epoch or a missing value, but an infinity makes its axis limits infinite
    /// and then no line of the panel is drawn at all.
    /// </summary>
    public static double[] Of(IReadOnlyList<double> values)
    {
        var copy = new double[values.Count];
        for (int i = 0; i < copy.Length; i++)
            copy[i] = double.IsInfinity(values[i]) ? double.NaN : values[i];
        return copy;
    }
}
