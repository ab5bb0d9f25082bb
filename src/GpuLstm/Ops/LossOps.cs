using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>
/// Mean losses as tape entries. The forward kernel writes the gradient alongside the loss terms,
/// so backward launches nothing when the prediction has no other gradient: it adopts that buffer.
/// The loss is a [1] tensor on the device; reading it is the one transfer a step may make.
/// Weighting follows Keras: each loss term (one per row of the last axis) is multiplied by its
/// sample weight and the sum divided by the number of terms ("sum_over_batch_size"); the
/// prediction's mask ([B, T], 0 = padded) zeroes padded steps and rescales the real ones by
/// total / valid, so the mean runs over real steps only.
/// </summary>
public static class LossOps
{
    /// <param name="sampleWeight">[B] or [B, T]: the leading axes of pred; null weighs every term 1.</param>
    public static Tensor BinaryCrossEntropy(Tape tape, Tensor pred, Tensor target, bool fromLogits = false, Tensor? sampleWeight = null)
    {
        const string op = "binary_crossentropy";
        ShapeUtil.Expect(op, "target", target.Shape, pred.Shape);
        var args = new LossArgs { Count = (int)pred.Length, FromLogits = fromLogits ? 1 : 0, GradScale = 1f / pred.Length };
        return Run(tape, op, pred, pred.Mask, sampleWeight, args, args.Count, (d, n, a, valid, weights, mask, grad, partials) =>
            d.Kernels.BinaryCrossEntropy(n, n, a, pred.View, target.View, weights, mask, valid, grad, partials));
    }

    /// <param name="pred">[..., C] logits (fromLogits) or probabilities</param>
    /// <param name="target">sparse: [...] class indices; dense: [..., C]</param>
    /// <param name="sampleWeight">[B] or [B, T]: the leading axes of pred; null weighs every row 1.</param>
    public static Tensor CategoricalCrossEntropy(Tape tape, Tensor pred, Tensor target, bool sparse, bool fromLogits, Tensor? sampleWeight = null)
    {
        string op = sparse ? "sparse_categorical_crossentropy" : "categorical_crossentropy";
        var mask = pred.Mask; // the probabilities carry it, their logits may not
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
        var args = new LossArgs { Count = rows, Classes = classes, Sparse = sparse ? 1 : 0, FromLogits = fromLogits ? 1 : 0, GradScale = 1f / rows };
        return Run(tape, op, pred, mask, sampleWeight, args, rows, (d, n, a, valid, weights, m, grad, partials) =>
            d.Kernels.CategoricalCrossEntropy(n, n, a, pred.View, target.View, weights, m, valid, grad, partials));
    }

    public static Tensor MeanSquaredError(Tape tape, Tensor pred, Tensor target, Tensor? sampleWeight = null) =>
        Regression(tape, pred, target, 0, "mean_squared_error", sampleWeight);

    public static Tensor MeanAbsoluteError(Tape tape, Tensor pred, Tensor target, Tensor? sampleWeight = null) =>
        Regression(tape, pred, target, 1, "mean_absolute_error", sampleWeight);

    private static Tensor Regression(Tape tape, Tensor pred, Tensor target, int kind, string op, Tensor? sampleWeight)
    {
        ShapeUtil.Expect(op, "target", target.Shape, pred.Shape);
        var args = new LossArgs { Count = (int)pred.Length, Kind = kind, GradScale = 1f / pred.Length };
        return Run(tape, op, pred, pred.Mask, sampleWeight, args, args.Count, (d, n, a, valid, weights, mask, grad, partials) =>
            d.Kernels.RegressionLoss(n, n, a, pred.View, target.View, weights, mask, valid, grad, partials));
    }

    /// <summary>Launches a loss kernel: (device, work items, args, valid [1], weights, mask, grad, partials).</summary>
    private delegate void LossKernel(ComputeDevice device, int threads, LossArgs args, ArrayView<float> valid,
        ArrayView<float> weights, ArrayView<float> mask, ArrayView<float> grad, ArrayView<float> partials);

    /// <summary>Shared shape of every loss: mask count, fused loss+grad kernel, then a deterministic sum to the mean.</summary>
    private static Tensor Run(Tape tape, string op, Tensor pred, Tensor? mask, Tensor? sampleWeight, LossArgs args, int work, LossKernel lossKernel)
    {
        var device = tape.Device;
        args.Weights = StepWeighting.Describe(op, pred, sampleWeight, mask, normaliseMask: true);
        int threads = device.Threads(work);
        var grad = tape.NewTensor(pred.Shape, op + ".grad");            // d(mean loss)/d(pred)
        int levels = Reduction.ScratchLength(device, threads);
        int maskScratch = mask is null ? 0 : 1 + StepWeighting.ValidScratchLength(device, mask.Length);
        // [threads] partials | [1] loss | [levels] tree | ([1] valid | mask-count scratch)
        var scratch = tape.NewTensor([threads + 1 + levels + maskScratch], op + ".partials");
        var valid = default(ArrayView<float>);
        if (mask is not null)
        {
            long at = threads + 1 + levels;
            valid = scratch.View.SubView(at, 1);
            StepWeighting.CountValid(device, mask, scratch.View.SubView(at + 1, maskScratch - 1), valid);
        }
        lossKernel(device, threads, args, valid, sampleWeight?.View ?? default, mask?.View ?? default, grad.View, scratch.View.SubView(0, threads));
        var (partials, count) = Reduction.Collapse(device, scratch.View.SubView(0, threads), threads, Reduction.ScratchAt(scratch.View, threads + 1, levels));
        device.Kernels.SumToScalar(1, count, args.GradScale, 0, partials, scratch.View.SubView(threads, 1));
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
