using GpuLstm.Datasets;

namespace GpuLstm.Tests.Data;

/// <summary>Supervised windows line up inputs and targets in time.</summary>
public sealed class SeriesWindowsTests
{
    [Fact]
    public void WindowsAndTargetsAlign()
    {
        double[] series = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
        var w = SeriesWindows.Create(series, window: 3, horizon: 2);

        Assert.Equal(6, w.Count); // 10 - 3 - 2 + 1
        Assert.Equal(6 * 3, w.Inputs.Length);
        Assert.Equal(6 * 2, w.Targets.Length);
        for (int i = 0; i < w.Count; i++)
        {
            Assert.Equal([10f + i, 11f + i, 12f + i], w.Inputs.AsSpan(i * 3, 3).ToArray());
            Assert.Equal([13f + i, 14f + i], w.Targets.AsSpan(i * 2, 2).ToArray());
            Assert.Equal(series[w.FirstTargetIndex(i)], w.Targets[i * 2]);
        }
    }

    [Fact]
    public void DefaultHorizonIsOneStepAhead()
    {
        var w = SeriesWindows.Create([1, 2, 3, 4], window: 2);
        Assert.Equal(2, w.Count);
        Assert.Equal([1f, 2f, 2f, 3f], w.Inputs);
        Assert.Equal([3f, 4f], w.Targets);
        Assert.Equal(1, w.Horizon);
    }

    [Fact]
    public void RejectsSeriesTooShortOrBadSizes()
    {
        Assert.Equal(1, SeriesWindows.Create([1, 2, 3], 2, 1).Count);
        var ex = Assert.Throws<ArgumentException>(() => SeriesWindows.Create([1, 2, 3], 2, 2));
        Assert.Contains("at least 4", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SeriesWindows.Create([1, 2, 3], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeriesWindows.Create([1, 2, 3], 1, 0));
    }

    [Fact]
    public void AValueOutsideFloatRangeIsNamedByItsIndex()
    {
        var e = Assert.Throws<ArgumentException>(() => SeriesWindows.Create([1, 2, 1e39, 4], window: 2));
        Assert.Contains("Point 2 of the series is 1E+39", e.Message, StringComparison.Ordinal);
    }
}
