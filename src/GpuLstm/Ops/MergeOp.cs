using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>Merges two equal-shape tensors: concat (last axis), sum, mul or ave; backward splits the gradient.</summary>
public static class MergeOp
{
    public static Tensor Forward(Tape tape, Tensor a, Tensor b, MergeMode mode, string name = "merge")
    {
        ShapeUtil.Expect(name, "second input", b.Shape, a.Shape);
        var device = tape.Device;
        int cols = a.Shape[^1], rows = (int)(a.Length / cols);
        var shape = a.Shape.ToArray();
        if (mode == MergeMode.Concat)
            shape[^1] = 2 * cols;
        var y = tape.NewTensor(shape, name + ".merged");
        y.RequiresGrad = a.RequiresGrad || b.RequiresGrad;
        switch (mode)
        {
            case MergeMode.Concat:
                ConcatenateOp.CopyColumns(tape, rows, cols, a, cols, 0, y, 2 * cols, 0, 0f);
                ConcatenateOp.CopyColumns(tape, rows, cols, b, cols, 0, y, 2 * cols, cols, 0f);
                break;
            case MergeMode.Mul:
                Multiply(tape, a, b, y, 0f);
                break;
            case MergeMode.Sum or MergeMode.Ave:
                float scale = mode == MergeMode.Ave ? 0.5f : 1f;
                Elementwise.Axpby(device, scale, a.View, 0f, y.View);
                Elementwise.Axpby(device, scale, b.View, 1f, y.View);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{name}: unknown merge mode");
        }
        tape.Record(name, () =>
        {
            if (!y.GradValid)
                return;
            Backward(tape, a, b, y, mode, rows, cols, first: true);
            Backward(tape, a, b, y, mode, rows, cols, first: false);
        });
        return y;
    }

    private static void Backward(Tape tape, Tensor a, Tensor b, Tensor y, MergeMode mode, int rows, int cols, bool first)
    {
        var input = first ? a : b;
        if (!input.RequiresGrad)
            return;
        var (grad, beta) = tape.GradFor(input);
        switch (mode)
        {
            case MergeMode.Concat:
                ConcatenateOp.CopyColumns(tape, rows, cols, y.Grad!, 2 * cols, first ? 0 : cols, grad, cols, 0, beta);
                break;
            case MergeMode.Mul: // d(a*b)/da = b
                Multiply(tape, y.Grad!, first ? b : a, grad, beta);
                break;
            default: // Sum, Ave: Forward rejected anything else
                Elementwise.Axpby(tape.Device, mode == MergeMode.Ave ? 0.5f : 1f, y.Grad!.View, beta, grad.View);
                break;
        }
    }

    private static void Multiply(Tape tape, Tensor a, Tensor b, Tensor dst, float beta)
    {
        var device = tape.Device;
        int n = device.Threads(a.Length);
        device.Kernels.Multiply(n, n, (int)a.Length, beta, a.View, b.View, dst.View);
    }
}
