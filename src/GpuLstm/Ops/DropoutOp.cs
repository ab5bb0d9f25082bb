using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>Inverted dropout: zeroes elements with probability rate and scales the rest by 1/(1-rate).</summary>
public static class DropoutOp
{
    /// <param name="sharedAcrossAxis1">Use one mask for every index of axis 1 (time in [B, T, F]), as Keras's LSTM dropout does.</param>
    public static Tensor Forward(Tape tape, Tensor x, float rate, int seed, string name = "dropout", bool sharedAcrossAxis1 = false)
    {
        if (!(rate >= 0f && rate < 1f))
            throw new ArgumentException($"{name}: rate must be in [0, 1), got {rate}.");
        var device = tape.Device;
        var y = tape.NewTensor(x.Shape, name + ".out");
        var mask = tape.NewTensor(x.Shape, name + ".mask");
        y.RequiresGrad = x.RequiresGrad;
        int n = device.Threads(x.Length);
        int repeat = sharedAcrossAxis1 && x.Rank >= 3 ? x.Shape[1] : 1;
        int inner = sharedAcrossAxis1 && x.Rank >= 3 ? (int)(x.Length / ((long)x.Shape[0] * x.Shape[1])) : 1;
        device.Kernels.DropoutForward(n, n, (int)x.Length, rate, seed, repeat, inner, x.View, y.View, mask.View);
        tape.Record(name, () =>
        {
            if (!y.GradValid || !x.RequiresGrad)
                return;
            var (gx, beta) = tape.GradFor(x);
            int threads = device.Threads(x.Length);
            device.Kernels.Multiply(threads, threads, (int)x.Length, beta, y.Grad!.View, mask.View, gx.View);
        });
        return y;
    }

    /// <summary>
    /// An inverted-dropout mask alone (keep ? 1/(1-rate) : 0), for an op that applies it where it reads
    /// its input (the LSTM's per-gate recurrent dropout); owned by the tape, no gradient.
    /// </summary>
    public static Tensor Mask(Tape tape, IReadOnlyList<int> shape, float rate, int seed, string name = "dropout")
    {
        if (!(rate >= 0f && rate < 1f))
            throw new ArgumentException($"{name}: rate must be in [0, 1), got {rate}.");
        var device = tape.Device;
        var mask = tape.NewTensor(shape, name + ".mask");
        int n = device.Threads(mask.Length);
        device.Kernels.DropoutMask(n, n, (int)mask.Length, rate, seed, mask.View);
        return mask;
    }
}
