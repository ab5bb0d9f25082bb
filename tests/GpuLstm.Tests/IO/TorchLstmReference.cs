namespace GpuLstm.Tests.IO;

/// <summary>
/// Double-precision LSTM in PyTorch's own layout: batch-first x [B, T, In], gate order i, f, g, o,
/// weight_ih [4H, In], weight_hh [4H, H], and the two biases added together.
/// </summary>
public static class TorchLstmReference
{
    public sealed record Result(double[] Sequence, double[] FinalH, double[] FinalC);

    /// <summary>One direction of one layer from zero state; <paramref name="reverse"/> runs t = T-1 .. 0.</summary>
    public static Result Forward(double[] x, int batch, int steps, int inputs, int hidden,
        double[] weightIh, double[] weightHh, double[] biasIh, double[] biasHh, bool reverse = false)
    {
        var seq = new double[batch * steps * hidden];
        var hN = new double[batch * hidden];
        var cN = new double[batch * hidden];
        var pre = new double[4 * hidden];
        for (int b = 0; b < batch; b++)
        {
            var h = new double[hidden];
            var c = new double[hidden];
            for (int s = 0; s < steps; s++)
            {
                int t = reverse ? steps - 1 - s : s;
                for (int r = 0; r < 4 * hidden; r++)
                {
                    double z = biasIh[r] + biasHh[r];
                    for (int i = 0; i < inputs; i++)
                        z += weightIh[r * inputs + i] * x[(b * steps + t) * inputs + i];
                    for (int k = 0; k < hidden; k++)
                        z += weightHh[r * hidden + k] * h[k];
                    pre[r] = z;
                }
                for (int j = 0; j < hidden; j++)
                {
                    double ig = Sigmoid(pre[j]);
                    double fg = Sigmoid(pre[hidden + j]);
                    double gg = Math.Tanh(pre[2 * hidden + j]);
                    double og = Sigmoid(pre[3 * hidden + j]);
                    c[j] = fg * c[j] + ig * gg;
                    h[j] = og * Math.Tanh(c[j]);
                    seq[(b * steps + t) * hidden + j] = h[j];
                }
            }
            Array.Copy(h, 0, hN, b * hidden, hidden);
            Array.Copy(c, 0, cN, b * hidden, hidden);
        }
        return new Result(seq, hN, cN);
    }

    /// <summary>nn.Linear: y [rows, Out] = x [rows, In] · weightᵀ + bias, weight [Out, In].</summary>
    public static double[] Linear(double[] x, int rows, int inputs, double[] weight, double[] bias)
    {
        int outputs = bias.Length;
        var y = new double[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double s = bias[o];
                for (int i = 0; i < inputs; i++)
                    s += x[r * inputs + i] * weight[o * inputs + i];
                y[r * outputs + o] = s;
            }
        }
        return y;
    }

    /// <summary>The last time step of a batch-first sequence [B, T, H] → [B, H].</summary>
    public static double[] LastStep(double[] seq, int batch, int steps, int hidden)
    {
        var last = new double[batch * hidden];
        for (int b = 0; b < batch; b++)
            Array.Copy(seq, ((b * steps) + steps - 1) * hidden, last, b * hidden, hidden);
        return last;
    }

    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>nn.BCELoss(reduction="mean") on probabilities (PyTorch clamps the logs at -100).</summary>
    public static double BinaryCrossEntropy(double[] p, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
            sum -= y[i] * Math.Max(Math.Log(p[i]), -100) + (1 - y[i]) * Math.Max(Math.Log(1 - p[i]), -100);
        return sum / p.Length;
    }
}
