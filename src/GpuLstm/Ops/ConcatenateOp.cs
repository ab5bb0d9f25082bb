using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>
/// Joins tensors along the last axis (Keras Concatenate(axis=-1)); every other axis must agree.
/// Forward copies each input into its column range, backward copies the ranges back out.
/// </summary>
public static class ConcatenateOp
{
    public static Tensor Forward(Tape tape, IReadOnlyList<Tensor> inputs, string name = "concatenate")
    {
        if (inputs.Count < 2)
            throw new ArgumentException($"{name}: needs at least 2 inputs, got {inputs.Count}.");
        var first = inputs[0];
        foreach (var t in inputs.Skip(1))
        {
            if (!t.Shape.Take(t.Shape.Count - 1).SequenceEqual(first.Shape.Take(first.Shape.Count - 1)))
                throw new ArgumentException(
                    $"{name}: inputs must agree on every axis but the last; got {string.Join(" and ", inputs.Select(i => ShapeUtil.Format(i.Shape)))}.");
        }
        int total = inputs.Sum(t => t.Shape[^1]);
        int rows = (int)(first.Length / first.Shape[^1]);
        var y = tape.NewTensor([.. first.Shape.Take(first.Shape.Count - 1), total], name + ".output"); // [..., sum of widths]
        y.RequiresGrad = inputs.Any(t => t.RequiresGrad);
        int offset = 0;
        foreach (var t in inputs)
        {
            CopyColumns(tape, rows, t.Shape[^1], t, t.Shape[^1], 0, y, total, offset, 0f);
            offset += t.Shape[^1];
        }
        tape.Record(name, () =>
        {
            if (!y.GradValid)
                return;
            int start = 0;
            foreach (var t in inputs)
            {
                int cols = t.Shape[^1];
                if (t.RequiresGrad)
                {
                    var (grad, beta) = tape.GradFor(t);
                    CopyColumns(tape, rows, cols, y.Grad!, total, start, grad, cols, 0, beta);
                }
                start += cols;
            }
        });
        return y.WithMask(first.Mask);
    }

    internal static void CopyColumns(Tape tape, int rows, int cols, Tensor src, int srcStride, int srcOffset,
        Tensor dst, int dstStride, int dstOffset, float beta)
    {
        var device = tape.Device;
        int n = device.Threads((long)rows * cols);
        device.Kernels.CopyColumns(n, n, rows, cols, srcStride, srcOffset, dstStride, dstOffset, beta, src.View, dst.View);
    }
}
