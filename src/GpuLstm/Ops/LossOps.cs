using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>
/// Mean losses as tape entries. The forward kernel writes the gradient alongside the loss terms,
/// so backward launches nothing when the prediction has no other gradient: it adopts that buffer.
/// The loss is a [1] tensor on the device; reading it is the one transfer a step may make.
/// </summary>
public static class LossOps
{
    public static Tensor BinaryCrossEntropy(Tape tape, Tensor pred, Tensor target, bool fromLogits = false)
    {
        ShapeUtil.Expect("binary_crossentropy", "target", target.Shape, pred.Shape);
        int count = (int)pred.Length;
        return Run(tape, "binary_crossentropy", pred, count, 1f / count, (d, n, grad, partials) =>
            d.Kernels.BinaryCrossEntropy(n, n, count, fromLogits ? 1 : 0, 1f / count, pred.View, target.View, grad, partials));
    }

    /// <param name="pred">[..., C] logits (fromLogits) or probabilities</param>
    /// <param name="target">sparse: [...] class indices; dense: [..., C]</param>
    public static Tensor CategoricalCrossEntropy(Tape tape, Tensor pred, Tensor target, bool sparse, bool fromLogits)
    {
        string op = sparse ? "sparse_categorical_crossentropy" : "categorical_crossentropy";
        if (!fromLogits && pred.SoftmaxLogits is { } logits)
        {
            // Probabilities from a softmax: the same loss from the logits (stable log-sum-exp; the
            // gradient to the logits is softmax - target, so the softmax's own backward never runs).
            pred = logits;
            fromLogits = true;
        }
        int classes = pred.Shape[^1];
        int rows = (int)(pred.Length / classes);
        if (sparse)
        {
            if (target.Length != rows)
                throw new ArgumentException(
                    $"{op}: target has shape {ShapeUtil.Format(target.Shape)}, expected {rows} class indices for predictions {ShapeUtil.Format(pred.Shape)}.");
        }
        else
        {
            ShapeUtil.Expect(op, "target", target.Shape, pred.Shape);
        }
        return Run(tape, op, pred, rows, 1f / rows, (d, n, grad, partials) =>
            d.Kernels.CategoricalCrossEntropy(n, n, rows, classes, sparse ? 1 : 0, fromLogits ? 1 : 0, 1f / rows,
                pred.View, target.View, grad, partials));
    }

    public static Tensor MeanSquaredError(Tape tape, Tensor pred, Tensor target) => Regression(tape, pred, target, 0, "mean_squared_error");

    public static Tensor MeanAbsoluteError(Tape tape, Tensor pred, Tensor target) => Regression(tape, pred, target, 1, "mean_absolute_error");

    private static Tensor Regression(Tape tape, Tensor pred, Tensor target, int kind, string op)
    {
        ShapeUtil.Expect(op, "target", target.Shape, pred.Shape);
        int count = (int)pred.Length;
        return Run(tape, op, pred, count, 1f / count, (d, n, grad, partials) =>
            d.Kernels.RegressionLoss(n, n, count, kind, 1f / count, pred.View, target.View, grad, partials));
    }

    /// <summary>Shared shape of every loss: fused loss+grad kernel, then a deterministic sum to the mean.</summary>
    private static Tensor Run(Tape tape, string op, Tensor pred, int work, float meanScale,
        Action<ComputeDevice, int, ArrayView<float>, ArrayView<float>> lossKernel)
    {
        var device = tape.Device;
        int threads = device.Threads(work);
        var grad = tape.NewTensor(pred.Shape, op + ".grad");            // d(mean loss)/d(pred)
        int levels = Reduction.ScratchLength(device, threads);
        var scratch = tape.NewTensor([threads + 1 + levels], op + ".partials"); // [threads] partials | [1] loss | [levels] tree
        lossKernel(device, threads, grad.View, scratch.View.SubView(0, threads));
        var (partials, count) = Reduction.Collapse(device, scratch.View.SubView(0, threads), threads, Reduction.ScratchAt(scratch.View, threads + 1, levels));
        device.Kernels.SumToScalar(1, count, meanScale, 0, partials, scratch.View.SubView(threads, 1));
        var loss = tape.Own(scratch.Slice(threads, [1], op));
        loss.RequiresGrad = pred.RequiresGrad;
        tape.Record(op, () =>
        {
            if (!loss.GradValid || !pred.RequiresGrad)
                return;
            if (pred.Grad is null)
            {
                tape.AdoptGrad(pred, grad);
                return;
            }
            var (target, beta) = tape.GradFor(pred);
            Elementwise.Axpby(device, 1f, grad.View, beta, target.View);
        });
        return loss;
    }
}
