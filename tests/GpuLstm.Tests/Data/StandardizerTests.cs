using GpuLstm.Datasets;

namespace GpuLstm.Tests.Data;

/// <summary>Standardization statistics and their inverse.</summary>
public sealed class StandardizerTests
{
    [Fact]
    public void FitsPopulationMeanAndStd()
    {
        var s = Standardizer.Fit([1, 2, 3, 4]);
        Assert.Equal(2.5, s.Mean, 12);
        Assert.Equal(Math.Sqrt(1.25), s.Std, 12);
        Assert.Equal([-3 / Math.Sqrt(5), 3 / Math.Sqrt(5)], s.Transform([1.0, 4.0]), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void RoundTripsOnCo2Scale()
    {
        var co2 = BuiltInDatasets.Co2();
        var split = SeriesSplit.HoldOutLast(co2.Length, test: 120);
        var s = Standardizer.Fit(split.Train(co2));

        var z = s.Transform(co2);
        Assert.Equal(co2, s.Inverse(z), new ToleranceComparer(1e-9));
        var train = z.AsSpan(0, split.TrainCount).ToArray();
        Assert.Equal(0, train.Average(), 9);
        Assert.Equal(1, Math.Sqrt(train.Select(v => v * v).Average()), 9);
        // The test part lies above the training mean: the statistics did not see it.
        Assert.True(z[^1] > 1.5);
    }

    [Fact]
    public void InvertsFloatModelOutputs()
    {
        var s = new Standardizer(mean: 350, std: 20);
        Assert.Equal([350.0, 370.0, 340.0], s.Inverse([0f, 1f, -0.5f]), new ToleranceComparer(1e-9));
        Assert.Equal(1.0, s.Transform(370.0));
    }

    [Fact]
    public void ConstantSeriesOnlyShifts()
    {
        var s = Standardizer.Fit([5, 5, 5]);
        Assert.Equal(5, s.Mean);
        Assert.Equal(1, s.Std);
    }

    [Fact]
    public void RejectsEmptyOrNonFiniteData()
    {
        Assert.Throws<ArgumentException>(() => Standardizer.Fit([]));
        Assert.Throws<ArgumentException>(() => Standardizer.Fit([1, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Standardizer(0, 0));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public void ValuesWhoseSpreadOverflowsAreRejectedWithoutAParameterName()
    {
        var e = Assert.Throws<ArgumentException>(() => Standardizer.Fit([1e300, -1e300, 1e300]));
        Assert.Contains("too large (up to 1E+300)", e.Message, StringComparison.Ordinal);
        Assert.Null(e.ParamName);
    }
}
