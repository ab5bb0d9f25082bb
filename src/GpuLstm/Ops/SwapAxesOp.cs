using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>
/// Swaps the two leading axes, e.g. batch-major [B, T, F] to time-major [T, B, F]; backward swaps back.
/// With reverseAxis 0 or 1 that axis of the input is also reversed (time order for go_backwards).
/// </summary>
public static class SwapAxesOp
{
    public static Tensor Forward(Tape tape, Tensor x, int reverseAxis = -1)
    {
        if (x.Rank < 2)
            throw new ArgumentException($"SwapAxes: {x.Name} has shape {ShapeUtil.Format(x.Shape)}, expected rank 2 or more.");
        int d0 = x.Shape[0], d1 = x.Shape[1];
        int inner = (int)(x.Length / ((long)d0 * d1));
        var shape = x.Shape.ToArray();
        (shape[0], shape[1]) = (d1, d0);
        var y = tape.NewTensor(shape, x.Name + ".swapped");
        y.RequiresGrad = x.RequiresGrad;
        if (reverseAxis is < -1 or > 1)
            throw new ArgumentException($"SwapAxes: reverseAxis must be -1, 0 or 1, got {reverseAxis}.");
        Launch(x, y, d0, d1, inner, reverseAxis, 0f);
        tape.Record("SwapAxes", () =>
        {
            if (!y.GradValid || !x.RequiresGrad)
                return;
            var (gx, beta) = tape.GradFor(x);
            // The input's axis 0/1 is the output's axis 1/0.
            Launch(y.Grad!, gx, d1, d0, inner, reverseAxis < 0 ? -1 : 1 - reverseAxis, beta);
        });
        return y;
    }

    private static void Launch(Tensor src, Tensor dst, int d0, int d1, int inner, int reverseAxis, float beta)
    {
        var device = src.Device;
        int n = device.Threads(src.Length);
        device.Kernels.SwapLeadingAxes(n, n, d0, d1, inner, reverseAxis, beta, src.View, dst.View);
    }
}
