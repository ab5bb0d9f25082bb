using GpuLstm.Kernels;

namespace GpuLstm.Tests.Reference;

/// <summary>
/// Plain double-precision Keras 3 GRU (GRUCell), gate order z, r, h, time-major [T, B, *]. Bias:
/// [2, 3H] (input row, recurrent row) with resetAfter, else [3H]; null for none. Optional fixed
/// dropout masks as implementation 1 uses them with recurrent_dropout: gate k reads x_t * inputMask[b, k]
/// and h_{t-1} * recurrentMask[b, k] (reset_before: r * (h_{t-1} * mask_h)), the same masks at every
/// step; z mixes the undropped h_{t-1} into h_t.
/// </summary>
public static class RefGru
{
    public static RefRecurrentResult Forward(int steps, int batch, int inputs, int hidden,
        double[] x, double[] w, double[] u, double[]? b, double[] h0, bool resetAfter = true,
        int act = ActivationCode.Tanh, int recAct = ActivationCode.Sigmoid, double[]? mask = null,
        double[]? recurrentMask = null, double[]? inputMask = null) // [B, 3H], [B, 3I]
    {
        int g3 = 3 * hidden;
        var h = (double[])h0.Clone();
        var seq = new double[steps * batch * hidden];
        var xw = new double[g3];
        var hu = new double[g3];
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
                for (int g = 0; g < g3; g++)
                {
                    int gate = g / hidden;
                    double s = b?[g] ?? 0;
                    for (int i = 0; i < inputs; i++)
                        s += x[(t * batch + bi) * inputs + i] * (inputMask?[(bi * 3 + gate) * inputs + i] ?? 1) * w[i * g3 + g];
                    xw[g] = s;
                    double rec = resetAfter ? (b?[g3 + g] ?? 0) : 0;
                    if (resetAfter || g < 2 * hidden) // reset_before's candidate part needs r first
                        for (int k = 0; k < hidden; k++)
                            rec += DroppedH(h, recurrentMask, bi, gate, k, hidden) * u[k * g3 + g];
                    hu[g] = rec;
                }
                var z = new double[hidden];
                var reset = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    z[j] = RefActivation.Apply(recAct, xw[j] + hu[j]);
                    reset[j] = RefActivation.Apply(recAct, xw[hidden + j] + hu[hidden + j]);
                }
                for (int j = 0; j < hidden; j++)
                {
                    double recurrentH;
                    if (resetAfter)
                    {
                        recurrentH = reset[j] * hu[2 * hidden + j];
                    }
                    else
                    {
                        recurrentH = 0;
                        for (int k = 0; k < hidden; k++)
                            recurrentH += reset[k] * DroppedH(h, recurrentMask, bi, 2, k, hidden) * u[k * g3 + 2 * hidden + j];
                    }
                    double candidate = RefActivation.Apply(act, xw[2 * hidden + j] + recurrentH);
                    hNext[bi * hidden + j] = z[j] * h[bi * hidden + j] + (1 - z[j]) * candidate;
                }
            }
            h = hNext;
            Array.Copy(h, 0, seq, t * batch * hidden, h.Length);
        }
        return new RefRecurrentResult(seq, h);
    }

    /// <summary>h_{t-1}[b, k] as gate <paramref name="gate"/>'s recurrent GEMM reads it.</summary>
    private static double DroppedH(double[] h, double[]? recurrentMask, int b, int gate, int k, int hidden) =>
        h[b * hidden + k] * (recurrentMask?[(b * 3 + gate) * hidden + k] ?? 1);
}
