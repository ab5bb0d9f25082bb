using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>
/// Device-side metric sums (no gradient), added to running totals with the same deterministic
/// tree as the losses. Sample weights ([B] or [B, T]) and the prediction's mask weight every value
/// as Keras's metrics do (a padded step weighs 0); the caller divides the totals at the end.
/// </summary>
public static class MetricOp
{
    /// <summary>Keras's AUC default: 200 thresholds.</summary>
    public const int AucThresholds = 200;

    /// <summary>Elements one confusion-count work item visits (slices are fixed by the size only, so the bits are too).</summary>
    private const int ConfusionChunk = 1024;

    /// <summary>
    /// Mean metrics: sums[0] += sum(value * weight), sums[1] += sum(weight); their ratio is the metric.
    /// </summary>
    /// <param name="code">A <see cref="MetricCode"/> value (not a confusion metric).</param>
    /// <param name="scratch">Partial sums, grown here when too small and reused across calls (the caller disposes it).</param>
    /// <param name="sums">[2] running totals</param>
    public static void AddMean(ComputeDevice device, int code, float threshold, Tensor pred, Tensor target, Tensor? sampleWeight,
        ref Tensor? scratch, ArrayView<float> sums)
    {
        int classes = pred.Shape[^1];
        int rows = (int)(pred.Length / classes);
        int threads = device.Threads(MetricCode.PerElement(code) ? pred.Length : rows);
        int levels = Reduction.ScratchLength(device, threads);
        var view = Grow(device, ref scratch, 2 * (threads + levels)); // [2, threads] partials | [2, levels] trees
        var args = new MetricArgs
        {
            Metric = code, Rows = rows, Classes = classes, Threshold = threshold,
            Weights = StepWeighting.Describe("metric", pred, sampleWeight, pred.Mask, normaliseMask: false),
        };
        device.Kernels.MetricPartials(threads, threads, args, pred.View, target.View, sampleWeight?.View ?? default,
            pred.Mask?.View ?? default, view.SubView(0, 2 * threads));
        for (int half = 0; half < 2; half++)
        {
            var (partials, count) = Reduction.Collapse(device, view.SubView(half * threads, threads), threads,
                Reduction.ScratchAt(view, 2 * threads + half * levels, levels));
            device.Kernels.SumToScalar(1, count, 1f, 1, partials, sums.SubView(half, 1));
        }
    }

    /// <summary>
    /// Confusion metrics: sums[(i * 4) + (TP, FP, TN, FN)] += the weighted counts at threshold i
    /// (<paramref name="thresholds"/> = 1: at <paramref name="threshold"/>; more: Keras's evenly spaced AUC thresholds).
    /// </summary>
    /// <param name="sums">[thresholds, 4] running totals</param>
    public static void AddConfusion(ComputeDevice device, string name, int thresholds, float threshold, bool fromLogits,
        Tensor pred, Tensor target, Tensor? sampleWeight, ref Tensor? scratch, ArrayView<float> sums)
    {
        if (target.Length != pred.Length)
            throw new ArgumentException(
                $"{name}: targets {ShapeUtil.Format(target.Shape)} must hold one 0/1 label per prediction {ShapeUtil.Format(pred.Shape)}.");
        int count = (int)pred.Length;
        int slices = Math.Max(1, (count + ConfusionChunk - 1) / ConfusionChunk);
        int slots = 4 * thresholds;
        var view = Grow(device, ref scratch, slots * (slices + 1)); // [slices, thresholds, 4] partials | [thresholds, 4] batch sums
        var args = new ConfusionArgs
        {
            Count = count, Thresholds = thresholds, Threshold = threshold, FromLogits = fromLogits ? 1 : 0,
            Slices = slices, Chunk = ConfusionChunk,
            Weights = StepWeighting.Describe(name, pred, sampleWeight, pred.Mask, normaliseMask: false),
        };
        var partials = view.SubView(0, slots * slices);
        var batch = view.SubView(slots * slices, slots);
        device.Kernels.ConfusionPartials(thresholds * slices, args, pred.View, target.View, sampleWeight?.View ?? default,
            pred.Mask?.View ?? default, partials);
        // Each of the slots sums its slices in slice order: deterministic without atomics.
        device.Kernels.SumStridedStage(slots, slots * slices, slots, partials, batch);
        Elementwise.Axpby(device, 1f, batch, 1f, sums);
    }

    private static ArrayView<float> Grow(ComputeDevice device, ref Tensor? scratch, int length)
    {
        if (scratch is null || scratch.Length < length)
        {
            scratch?.Dispose();
            scratch = Tensor.Allocate(device, [Math.Max(length, 64)], "metric_partials");
        }
        return scratch.View;
    }
}
