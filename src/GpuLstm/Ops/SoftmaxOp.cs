using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>
/// y = softmax(x) over the last axis (Keras activation "softmax"). Backward from the saved output.
/// A cross-entropy on y skips this backward: LossOps computes from the logits instead (fused gradient).
/// </summary>
public static class SoftmaxOp
{
    /// <param name="x">[..., classes] logits</param>
    /// <returns>[..., classes] probabilities</returns>
    public static Tensor Forward(Tape tape, Tensor x, string name = "softmax")
    {
        var device = tape.Device;
        int cols = x.Shape[^1], rows = (int)(x.Length / cols);
        var y = tape.NewTensor(x.Shape, name + ".softmax"); // [..., classes]
        y.RequiresGrad = x.RequiresGrad;
        y.SoftmaxLogits = x;
        int n = device.Threads(rows);
        device.Kernels.SoftmaxForward(n, n, rows, cols, x.View, y.View);
        tape.Record(name, () =>
        {
            if (!y.GradValid || !x.RequiresGrad)
                return;
            var (grad, beta) = tape.GradFor(x);
            device.Kernels.SoftmaxBackward(n, n, rows, cols, beta, y.View, y.Grad!.View, grad.View);
        });
        return y;
    }
}
