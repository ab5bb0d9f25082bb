using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>Swaps the two leading axes, e.g. batch-major [B, T, F] to time-major [T, B, F]; backward swaps back.</summary>
public static class SwapAxesOp
{
    public static Tensor Forward(Tape tape, Tensor x)
    {
        if (x.Rank < 2)
            throw new ArgumentException($"SwapAxes: {x.Name} has shape {ShapeUtil.Format(x.Shape)}, expected rank 2 or more.");
        int d0 = x.Shape[0], d1 = x.Shape[1];
        int inner = (int)(x.Length / ((long)d0 * d1));
        var shape = x.Shape.ToArray();
        (shape[0], shape[1]) = (d1, d0);
        var y = tape.NewTensor(shape, x.Name + ".swapped");
        y.RequiresGrad = x.RequiresGrad;
        Launch(x, y, d0, d1, inner, 0f);
        tape.Record("SwapAxes", () =>
        {
            if (!y.GradValid || !x.RequiresGrad)
                return;
            var (gx, beta) = tape.GradFor(x);
            Launch(y.Grad!, gx, d1, d0, inner, beta);
        });
        return y;
    }

    private static void Launch(Tensor src, Tensor dst, int d0, int d1, int inner, float beta)
    {
        var device = src.Device;
        int n = device.Threads(src.Length);
        device.CountLaunch("SwapLeadingAxes");
        device.Kernels.SwapLeadingAxes(n, n, d0, d1, inner, beta, src.View, dst.View);
    }
}
