using GpuLstm.Kernels;

namespace GpuLstm.Tests.Reference;

/// <summary>
/// Plain double-precision Keras SimpleRNN, h_t = a(x W + (h_{t-1} * recurrentMask) U + b), time-major
/// [T, B, *]; bias null for none, recurrentMask [B, H] (recurrent_dropout's fixed mask) null for none.
/// </summary>
public static class RefSimpleRnn
{
    public static RefRecurrentResult Forward(int steps, int batch, int inputs, int hidden,
        double[] x, double[] w, double[] u, double[]? b, double[] h0, int act = ActivationCode.Tanh, double[]? mask = null,
        double[]? recurrentMask = null)
    {
        var h = (double[])h0.Clone();
        var seq = new double[steps * batch * hidden];
        for (int t = 0; t < steps; t++)
        {
            var hNext = new double[batch * hidden];
            for (int bi = 0; bi < batch; bi++)
                for (int j = 0; j < hidden; j++)
                {
                    if (mask is not null && mask[t * batch + bi] == 0)
                    {
                        hNext[bi * hidden + j] = h[bi * hidden + j]; // padded step: state carried over
                        continue;
                    }
                    double s = b?[j] ?? 0;
                    for (int i = 0; i < inputs; i++)
                        s += x[(t * batch + bi) * inputs + i] * w[i * hidden + j];
                    for (int k = 0; k < hidden; k++)
                        s += h[bi * hidden + k] * (recurrentMask?[bi * hidden + k] ?? 1) * u[k * hidden + j];
                    hNext[bi * hidden + j] = RefActivation.Apply(act, s);
                }
            h = hNext;
            Array.Copy(h, 0, seq, t * batch * hidden, h.Length);
        }
        return new RefRecurrentResult(seq, h);
    }
}
