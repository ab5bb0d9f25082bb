using GpuLstm.Datasets;

namespace GpuLstm.Tests.Data;

/// <summary>Chronological splits and the context windows that keep test targets inside the test part.</summary>
public sealed class SeriesSplitTests
{
    private static readonly double[] Series = Enumerable.Range(0, 20).Select(i => (double)i).ToArray();

    [Fact]
    public void HoldsOutTheLastPointsInOrder()
    {
        var split = SeriesSplit.HoldOutLast(Series.Length, test: 5, validation: 3);

        Assert.Equal((12, 3, 5), (split.TrainCount, split.ValidationCount, split.TestCount));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double)i), split.Train(Series));
        Assert.Equal([12.0, 13, 14], split.Validation(Series));
        Assert.Equal([15.0, 16, 17, 18, 19], split.Test(Series));
    }

    [Fact]
    public void ContextWindowsTargetExactlyThePart()
    {
        var split = SeriesSplit.HoldOutLast(Series.Length, test: 5, validation: 3);
        const int window = 4;

        var test = SeriesWindows.Create(split.TestWithContext(Series, window), window);
        Assert.Equal(split.Test(Series).Select(v => (float)v), test.Targets);
        Assert.Equal([11f, 12f, 13f, 14f], test.Inputs.AsSpan(0, window).ToArray());

        var validation = SeriesWindows.Create(split.ValidationWithContext(Series, window), window);
        Assert.Equal(split.Validation(Series).Select(v => (float)v), validation.Targets);
    }

    [Fact]
    public void ByCountsAndValidation()
    {
        var split = SeriesSplit.ByCounts(10, 5, 5);
        Assert.Equal(20, split.Length);
        Assert.Equal(10, split.ValidationStart);
        Assert.Equal(15, split.TestStart);
        Assert.Empty(SeriesSplit.HoldOutLast(20, test: 4).Validation(Series));

        Assert.Throws<ArgumentException>(() => SeriesSplit.HoldOutLast(10, test: 6, validation: 4));
        Assert.Throws<ArgumentException>(() => split.Train(new double[19]));
        Assert.Throws<ArgumentException>(() => split.ValidationWithContext(Series, 11));
    }
}
