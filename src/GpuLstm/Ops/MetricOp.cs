using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>
/// Device-side metric sums (no gradient): sum[0] += the metric summed over a batch, with the same
/// deterministic tree as the losses. Returns how many values were summed, for the mean.
/// </summary>
public static class MetricOp
{
    /// <param name="code">A <see cref="MetricCode"/> value.</param>
    /// <param name="scratch">Partial sums, grown here when too small and reused across calls (the caller disposes it).</param>
    public static int AddSum(ComputeDevice device, int code, float threshold, Tensor pred, Tensor target,
        ref Tensor? scratch, ArrayView<float> sum)
    {
        int classes = pred.Shape[^1];
        int rows = (int)(pred.Length / classes);
        bool perElement = code is MetricCode.BinaryAccuracy or MetricCode.MeanAbsoluteError;
        int work = perElement ? (int)pred.Length : rows;
        int threads = device.Threads(work);
        int levels = Reduction.ScratchLength(device, threads);
        if (scratch is null || scratch.Length < threads + levels)
        {
            scratch?.Dispose();
            scratch = Tensor.Allocate(device, [Math.Max(threads + levels, 64)], "metric_partials"); // [threads] | [levels]
        }
        device.Kernels.MetricPartials(threads, threads, code, rows, classes, threshold, pred.View, target.View, scratch.View.SubView(0, threads));
        var (partials, count) = Reduction.Collapse(device, scratch.View.SubView(0, threads), threads, Reduction.ScratchAt(scratch.View, threads, levels));
        device.Kernels.SumToScalar(1, count, 1f, 1, partials, sum);
        return work;
    }
}
