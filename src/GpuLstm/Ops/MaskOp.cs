using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>y = x * mask over the time steps: zeros at padded steps of a [B, T, ...] sequence, gradient likewise.</summary>
public static class MaskOp
{
    /// <param name="x">[B, T, ...]</param>
    /// <param name="mask">[B, T], 1 = real step</param>
    public static Tensor ZeroMaskedSteps(Tape tape, Tensor x, Tensor mask, string name = "mask")
    {
        if (x.Rank < 3 || mask.Rank != 2 || mask.Shape[0] != x.Shape[0] || mask.Shape[1] != x.Shape[1])
            throw new ArgumentException($"{name}: mask {ShapeUtil.Format(mask.Shape)} does not match the first two axes of {ShapeUtil.Format(x.Shape)}.");
        var device = tape.Device;
        int inner = (int)(x.Length / mask.Length);
        var y = tape.NewTensor(x.Shape, name + ".masked"); // [B, T, ...]
        y.RequiresGrad = x.RequiresGrad;
        int n = device.Threads(x.Length);
        device.Kernels.ScaleRows(n, n, (int)x.Length, inner, 0f, mask.View, x.View, y.View);
        tape.Record(name, () =>
        {
            if (!y.GradValid || !x.RequiresGrad)
                return;
            var (grad, beta) = tape.GradFor(x);
            device.Kernels.ScaleRows(n, n, (int)x.Length, inner, beta, mask.View, y.Grad!.View, grad.View);
        });
        return y.WithMask(mask);
    }
}
