using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>
/// Host side of <see cref="StepWeights"/>: checks sample weights and the mask against a prediction
/// and describes how kernels index them. Sample weights cover the leading axes of the prediction
/// ([B] per sample, [B, T] per step of a sequence); the mask is the prediction's own ([B, T]).
/// </summary>
internal static class StepWeighting
{
    public static StepWeights Describe(string op, Tensor pred, Tensor? weights, Tensor? mask, bool normaliseMask)
    {
        var w = new StepWeights { PerWeight = 1, PerMask = 1, NormaliseMask = normaliseMask ? 1 : 0 };
        if (weights is not null)
        {
            bool leading = weights.Rank >= 1 && weights.Rank < Math.Max(2, pred.Rank)
                && weights.Shape.Select((d, a) => d == pred.Shape[a]).All(same => same);
            if (!leading)
                throw new ArgumentException(
                    $"{op}: sample weights have shape {ShapeUtil.Format(weights.Shape)}, expected [{pred.Shape[0]}] (per sample)" +
                    (pred.Rank >= 3 ? $" or [{pred.Shape[0]}, {pred.Shape[1]}] (per step)" : "") +
                    $" for predictions {ShapeUtil.Format(pred.Shape)}.");
            w.HasWeights = 1;
            w.PerWeight = (int)(pred.Length / weights.Length);
        }
        if (mask is not null)
        {
            if (mask.Length == 0 || pred.Length % mask.Length != 0 || mask.Shape[0] != pred.Shape[0])
                throw new ArgumentException($"{op}: mask {ShapeUtil.Format(mask.Shape)} does not match predictions {ShapeUtil.Format(pred.Shape)}.");
            w.HasMask = 1;
            w.PerMask = (int)(pred.Length / mask.Length);
            w.MaskTotal = mask.Length;
        }
        return w;
    }

    /// <summary>Scratch floats <see cref="CountValid"/> needs for a mask of <paramref name="length"/> entries.</summary>
    public static int ValidScratchLength(ComputeDevice device, long length)
    {
        int threads = device.Threads(length);
        return threads + Reduction.ScratchLength(device, threads);
    }

    /// <summary>valid[0] = the number of real steps of <paramref name="mask"/>, summed on the device in a fixed order.</summary>
    public static void CountValid(ComputeDevice device, Tensor mask, ArrayView<float> scratch, ArrayView<float> valid)
    {
        int threads = device.Threads(mask.Length);
        int levels = Reduction.ScratchLength(device, threads);
        var partials = scratch.SubView(0, threads); // [threads]
        // One strided stage with as many outputs as work items is a grid-stride partial sum.
        device.Kernels.SumStridedStage(threads, (int)mask.Length, threads, mask.View, partials);
        var (tail, count) = Reduction.Collapse(device, partials, threads, Reduction.ScratchAt(scratch, threads, levels));
        device.Kernels.SumToScalar(1, count, 1f, 0, tail, valid);
    }
}
