namespace GpuLstm.Datasets;

/// <summary>
/// Sliding windows over a univariate series for supervised forecasting. Row i has inputs
/// series[i .. i+Window) and targets series[i+Window .. i+Window+Horizon). The rows overlap and
/// are kept in time order.
/// </summary>
public sealed class SeriesWindows
{
    private SeriesWindows(int count, int window, int horizon, float[] inputs, float[] targets)
    {
        Count = count;
        Window = window;
        Horizon = horizon;
        Inputs = inputs;
        Targets = targets;
    }

    /// <summary>Number of windows N = series.Length - Window - Horizon + 1.</summary>
    public int Count { get; }

    /// <summary>Input steps per row.</summary>
    public int Window { get; }

    /// <summary>Target steps per row (how far ahead each row forecasts).</summary>
    public int Horizon { get; }

    /// <summary>Row-major [Count, Window]. For an LSTM this is [batch, time] with one feature per step.</summary>
    public float[] Inputs { get; }

    /// <summary>Row-major [Count, Horizon].</summary>
    public float[] Targets { get; }

    /// <summary>Index in the source series of row <paramref name="row"/>'s first target (row + Window).</summary>
    public int FirstTargetIndex(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return row + Window;
    }

    /// <summary>
    /// Builds every window of <paramref name="window"/> inputs followed by <paramref name="horizon"/>
    /// targets. Values are narrowed to float, so standardize large-magnitude series first; a value
    /// outside float's range (about ±3.4e38) is an error naming its index.
    /// </summary>
    public static SeriesWindows Create(double[] series, int window, int horizon = 1)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        int count = series.Length - window - horizon + 1;
        if (count < 1)
            throw new ArgumentException(
                $"A series of {series.Length} points is too short for window {window} + horizon {horizon}; " +
                $"it needs at least {window + horizon}.");
        for (int i = 0; i < series.Length; i++)
        {
            if (!float.IsFinite((float)series[i]))
                throw new ArgumentException(
                    $"Point {i} of the series is {series[i]:G6}, which is not a finite float (windows are float; the range is about ±3.4e38).");
        }

        var inputs = new float[(long)count * window];
        var targets = new float[(long)count * horizon];
        for (int i = 0; i < count; i++)
        {
            for (int t = 0; t < window; t++)
                inputs[i * window + t] = (float)series[i + t];
            for (int h = 0; h < horizon; h++)
                targets[i * horizon + h] = (float)series[i + window + h];
        }
        return new SeriesWindows(count, window, horizon, inputs, targets);
    }
}
