namespace GpuLstm.Models;

/// <summary>
/// Keras's results from confusion counts laid out [thresholds, 4] = (TP, FP, TN, FN) per threshold
/// (keras.metrics.Precision, Recall and AUC(curve="ROC", summation_method="interpolation")).
/// </summary>
internal static class ConfusionResults
{
    private const int TP = 0, FP = 1, TN = 2, FN = 3;

    public static double DivideNoNan(double a, double b) => b == 0 ? 0 : a / b;

    public static double Precision(ReadOnlySpan<float> c) => DivideNoNan(c[TP], (double)c[TP] + c[FP]);

    public static double Recall(ReadOnlySpan<float> c) => DivideNoNan(c[TP], (double)c[TP] + c[FN]);

    /// <summary>Trapezoids of recall over the false-positive rate between successive thresholds.</summary>
    public static double RocAuc(ReadOnlySpan<float> c, int thresholds)
    {
        double auc = 0;
        for (int i = 0; i + 1 < thresholds; i++)
        {
            var a = c.Slice(4 * i, 4);
            var b = c.Slice(4 * (i + 1), 4);
            double fprA = DivideNoNan(a[FP], (double)a[FP] + a[TN]), fprB = DivideNoNan(b[FP], (double)b[FP] + b[TN]);
            auc += (fprA - fprB) * (Recall(a) + Recall(b)) / 2;
        }
        return auc;
    }
}
