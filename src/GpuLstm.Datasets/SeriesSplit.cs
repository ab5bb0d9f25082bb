namespace GpuLstm.Datasets;

/// <summary>
/// A chronological train / validation / test split of a series of <see cref="Length"/> points:
/// [0, ValidationStart) is train, [ValidationStart, TestStart) is validation and [TestStart, Length)
/// is test. Nothing is shuffled. In a time series, shuffling would train on the future.
/// </summary>
public sealed class SeriesSplit
{
    private SeriesSplit(int trainCount, int validationCount, int testCount)
    {
        TrainCount = trainCount;
        ValidationCount = validationCount;
        TestCount = testCount;
    }

    public int TrainCount { get; }

    public int ValidationCount { get; }

    public int TestCount { get; }

    public int Length => TrainCount + ValidationCount + TestCount;

    public int ValidationStart => TrainCount;

    public int TestStart => TrainCount + ValidationCount;

    /// <summary>Holds out the last <paramref name="test"/> points for test and the <paramref name="validation"/> before them.</summary>
    public static SeriesSplit HoldOutLast(int length, int test, int validation = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(test);
        ArgumentOutOfRangeException.ThrowIfNegative(validation);
        int train = length - test - validation;
        if (train < 1)
            throw new ArgumentException(
                $"Holding out {validation} validation + {test} test points leaves no training data in a series of {length}.");
        return new SeriesSplit(train, validation, test);
    }

    /// <summary>A split with the given counts, in the order train, validation, test.</summary>
    public static SeriesSplit ByCounts(int train, int validation, int test)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(train, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(validation);
        ArgumentOutOfRangeException.ThrowIfNegative(test);
        return new SeriesSplit(train, validation, test);
    }

    public double[] Train(double[] series) => Slice(series, 0, ValidationStart);

    public double[] Validation(double[] series) => Slice(series, ValidationStart, TestStart);

    public double[] Test(double[] series) => Slice(series, TestStart, Length);

    /// <summary>
    /// The validation points with the <paramref name="context"/> points before them. Windows of
    /// size context built on this slice (with <see cref="SeriesWindows.Create"/>) have horizon-1
    /// targets that are exactly the validation points.
    /// </summary>
    public double[] ValidationWithContext(double[] series, int context) =>
        Slice(series, ContextStart(ValidationStart, context), TestStart);

    /// <summary>The test points with the <paramref name="context"/> points before them (see <see cref="ValidationWithContext"/>).</summary>
    public double[] TestWithContext(double[] series, int context) =>
        Slice(series, ContextStart(TestStart, context), Length);

    public override string ToString() =>
        $"SeriesSplit(train={TrainCount}, validation={ValidationCount}, test={TestCount})";

    private static int ContextStart(int start, int context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        if (context > start)
            throw new ArgumentException($"A context of {context} points reaches before the start of the series (the part begins at {start}).");
        return start - context;
    }

    private double[] Slice(double[] series, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Length != Length)
            throw new ArgumentException($"The series has {series.Length} points but this split covers {Length}.", nameof(series));
        return series[from..to];
    }
}
