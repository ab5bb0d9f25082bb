using GpuLstm.Kernels;

namespace GpuLstm.Tests.Reference;

/// <summary>
/// Plain double-precision LSTM, gate order i, f, g, o, time-major [T, B, *]. Optional per-gate dropout
/// masks as Keras 3's cell uses them with recurrent_dropout: gate k reads x_t * inputMask[b, k] and
/// h_{t-1} * recurrentMask[b, k], the same masks at every step; h itself stays undropped.
/// </summary>
public static class RefLstm
{
    public sealed record Result(double[] Sequence, double[] FinalH, double[] FinalC);

    public static Result Forward(int steps, int batch, int inputs, int hidden,
        double[] x, double[] w, double[] u, double[] b, double[] h0, double[] c0,
        int cellAct = ActivationCode.Tanh, int recAct = ActivationCode.Sigmoid, double[]? mask = null,
        double[]? recurrentMask = null, double[]? inputMask = null) // [B, 4H], [B, 4I]
    {
        var h = (double[])h0.Clone();
        var c = (double[])c0.Clone();
        var seq = new double[steps * batch * hidden];
        var pre = new double[4 * hidden];
        for (int t = 0; t < steps; t++)
        {
            var hNext = new double[batch * hidden];
            for (int bi = 0; bi < batch; bi++)
            {
                if (mask is not null && mask[t * batch + bi] == 0)
                {
                    Array.Copy(h, bi * hidden, hNext, bi * hidden, hidden); // padded step: state carried over
                    continue;
                }
                for (int g = 0; g < 4 * hidden; g++)
                {
                    int gate = g / hidden;
                    double s = b[g];
                    for (int i = 0; i < inputs; i++)
                        s += x[(t * batch + bi) * inputs + i] * (inputMask?[(bi * 4 + gate) * inputs + i] ?? 1)
                            * w[i * 4 * hidden + g];
                    for (int k = 0; k < hidden; k++)
                        s += h[bi * hidden + k] * (recurrentMask?[(bi * 4 + gate) * hidden + k] ?? 1) * u[k * 4 * hidden + g];
                    pre[g] = s;
                }
                for (int j = 0; j < hidden; j++)
                {
                    double ig = RefActivation.Apply(recAct, pre[j]);
                    double fg = RefActivation.Apply(recAct, pre[hidden + j]);
                    double gg = RefActivation.Apply(cellAct, pre[2 * hidden + j]);
                    double og = RefActivation.Apply(recAct, pre[3 * hidden + j]);
                    double cn = fg * c[bi * hidden + j] + ig * gg;
                    c[bi * hidden + j] = cn;
                    hNext[bi * hidden + j] = og * RefActivation.Apply(cellAct, cn);
                }
            }
            h = hNext;
            Array.Copy(h, 0, seq, t * batch * hidden, h.Length);
        }
        return new Result(seq, h, c);
    }
}
