namespace GpuLstm.Datasets;

/// <summary>
/// z = (x - Mean) / Std. Fit it on the training part only, so validation and test statistics do
/// not leak into the model. Std is the population standard deviation. A constant training
/// series gets Std = 1 (only the shift is applied) instead of dividing by zero.
/// </summary>
public sealed class Standardizer
{
    public Standardizer(double mean, double std)
    {
        if (!double.IsFinite(mean))
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "Mean must be finite.");
        if (!double.IsFinite(std) || std <= 0)
            throw new ArgumentOutOfRangeException(nameof(std), std, "Std must be finite and positive.");
        Mean = mean;
        Std = std;
    }

    public double Mean { get; }

    public double Std { get; }

    /// <summary>Mean and standard deviation of <paramref name="training"/>, which must be non-empty and finite.</summary>
    public static Standardizer Fit(ReadOnlySpan<double> training)
    {
        if (training.IsEmpty)
            throw new ArgumentException("Cannot fit a standardizer on an empty series.");
        double mean = 0;
        foreach (double v in training)
        {
            if (!double.IsFinite(v))
                throw new ArgumentException($"Cannot fit a standardizer on a series with the value {v}.");
            mean += v;
        }
        mean /= training.Length;
        // Two passes: subtracting the mean before squaring avoids cancellation on large offsets (CO2 is ~300-400).
        double sumSq = 0;
        foreach (double v in training)
            sumSq += (v - mean) * (v - mean);
        double std = Math.Sqrt(sumSq / training.Length);
        if (!double.IsFinite(mean) || !double.IsFinite(std))
            throw new ArgumentException(
                $"Cannot fit a standardizer: the values are too large (up to {MaxAbs(training):G3}) for their mean and spread to be computed.");
        return new Standardizer(mean, std > 1e-12 * Math.Max(1, Math.Abs(mean)) ? std : 1);
    }

    private static double MaxAbs(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (double v in values)
            max = Math.Max(max, Math.Abs(v));
        return max;
    }

    public double Transform(double x) => (x - Mean) / Std;

    public double Inverse(double z) => z * Std + Mean;

    public double[] Transform(ReadOnlySpan<double> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = Transform(values[i]);
        return result;
    }

    public double[] Inverse(ReadOnlySpan<double> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = Inverse(values[i]);
        return result;
    }

    /// <summary>Maps float model outputs (e.g. predictions read back from the device) to the original scale.</summary>
    public double[] Inverse(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = Inverse(values[i]);
        return result;
    }

    public override string ToString() => $"Standardizer(mean={Mean:G6}, std={Std:G6})";
}
