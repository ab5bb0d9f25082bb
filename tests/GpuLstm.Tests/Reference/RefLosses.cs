namespace GpuLstm.Tests.Reference;

/// <summary>Double-precision mean losses with Keras's definitions (probabilities clipped to [1e-7, 1-1e-7]).</summary>
public static class RefLosses
{
    private const double Eps = 1e-7;

    public static double BinaryCrossEntropy(double[] p, double[] y, bool fromLogits)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (fromLogits)
            {
                double z = p[i];
                sum += Math.Max(z, 0) - z * y[i] + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            }
            else
            {
                double q = Math.Clamp(p[i], Eps, 1 - Eps);
                sum -= y[i] * Math.Log(q) + (1 - y[i]) * Math.Log(1 - q);
            }
        }
        return sum / p.Length;
    }

    public static double CategoricalCrossEntropy(double[] p, double[] target, int classes, bool sparse, bool fromLogits)
    {
        int rows = p.Length / classes;
        double sum = 0;
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
                    sum -= y * Math.Log(probs[k]);
            }
        }
        return sum / rows;
    }

    public static double MeanSquaredError(double[] p, double[] y) => p.Zip(y, (a, b) => (a - b) * (a - b)).Average();

    public static double MeanAbsoluteError(double[] p, double[] y) => p.Zip(y, (a, b) => Math.Abs(a - b)).Average();
}
