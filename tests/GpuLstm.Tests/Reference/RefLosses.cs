namespace GpuLstm.Tests.Reference;

/// <summary>
/// Double-precision losses with Keras's definitions (probabilities clipped to [1e-7, 1-1e-7]): the
/// per-term values Keras's loss functions return (mean over the last axis, or one per row for the
/// cross-entropies), and Keras's reduce_weighted_values with "sum_over_batch_size".
/// </summary>
public static class RefLosses
{
    private const double Eps = 1e-7;

    public static double BinaryCrossEntropy(double[] p, double[] y, bool fromLogits) => BinaryCrossEntropyTerms(p, y, fromLogits, p.Length).Average();

    public static double CategoricalCrossEntropy(double[] p, double[] target, int classes, bool sparse, bool fromLogits) =>
        CategoricalCrossEntropyTerms(p, target, classes, sparse, fromLogits).Average();

    public static double MeanSquaredError(double[] p, double[] y) => p.Zip(y, (a, b) => (a - b) * (a - b)).Average();

    public static double MeanAbsoluteError(double[] p, double[] y) => p.Zip(y, (a, b) => Math.Abs(a - b)).Average();

    /// <summary>keras.losses.binary_crossentropy: the mean over each row of <paramref name="width"/> elements.</summary>
    public static double[] BinaryCrossEntropyTerms(double[] p, double[] y, bool fromLogits, int width) => RowMeans(p.Length, width, i =>
    {
        if (fromLogits)
        {
            double z = p[i];
            return Math.Max(z, 0) - z * y[i] + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        }
        double q = Math.Clamp(p[i], Eps, 1 - Eps);
        return -(y[i] * Math.Log(q) + (1 - y[i]) * Math.Log(1 - q));
    });

    /// <summary>keras.losses.mean_squared_error (absolute: mean_absolute_error) over rows of <paramref name="width"/>.</summary>
    public static double[] RegressionTerms(double[] p, double[] y, bool absolute, int width) =>
        RowMeans(p.Length, width, i => absolute ? Math.Abs(p[i] - y[i]) : (p[i] - y[i]) * (p[i] - y[i]));

    /// <summary>One cross-entropy per row of [rows, classes].</summary>
    public static double[] CategoricalCrossEntropyTerms(double[] p, double[] target, int classes, bool sparse, bool fromLogits)
    {
        int rows = p.Length / classes;
        var terms = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double[] probs = new double[classes];
            if (fromLogits)
            {
                double max = double.NegativeInfinity;
                for (int k = 0; k < classes; k++)
                    max = Math.Max(max, p[r * classes + k]);
                double z = 0;
                for (int k = 0; k < classes; k++)
                    z += Math.Exp(p[r * classes + k] - max);
                for (int k = 0; k < classes; k++)
                    probs[k] = Math.Exp(p[r * classes + k] - max) / z;
            }
            else
            {
                double total = 0;
                for (int k = 0; k < classes; k++)
                    total += p[r * classes + k];
                for (int k = 0; k < classes; k++)
                    probs[k] = Math.Clamp(p[r * classes + k] / total, Eps, 1 - Eps);
            }
            for (int k = 0; k < classes; k++)
            {
                double y = sparse ? (k == (int)target[r] ? 1 : 0) : target[r * classes + k];
                if (y != 0)
                    terms[r] -= y * Math.Log(probs[k]);
            }
        }
        return terms;
    }

    /// <summary>
    /// Keras reduce_weighted_values(reduction="sum_over_batch_size"): apply_mask turns the mask into
    /// weights total/valid (0 at padded terms), times the sample weight; then sum(values * w) / count.
    /// </summary>
    /// <param name="sampleWeight">one per term (already broadcast), or null</param>
    /// <param name="mask">one per term, or null</param>
    public static double KerasReduce(double[] values, double[]? sampleWeight, double[]? mask)
    {
        double valid = mask?.Count(m => m != 0) ?? values.Length;
        double maskWeight = valid == 0 ? 0 : values.Length / valid;
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double w = (sampleWeight?[i] ?? 1) * (mask is null ? 1 : mask[i] != 0 ? maskWeight : 0);
            sum += values[i] * w;
        }
        return sum / values.Length;
    }

    private static double[] RowMeans(int count, int width, Func<int, double> term)
    {
        var means = new double[count / width];
        for (int i = 0; i < count; i++)
            means[i / width] += term(i) / width;
        return means;
    }
}
