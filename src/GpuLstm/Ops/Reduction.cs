using GpuLstm.Device;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>
/// Deterministic multi-level sums. A grid-stride kernel leaves one partial per work item (up to
/// ~270k on an H200); the final single-work-item kernels (loss mean, metric sums, clip norms) must
/// not loop over that many, so levels of <see cref="FanIn"/>-to-one sums run first until at most
/// <see cref="MaxFinal"/> remain. Fixed order, no atomics: the same bits on every run.
/// </summary>
internal static class Reduction
{
    public const int FanIn = 64;
    public const int MaxFinal = ComputeDeviceOptions.DefaultReductionMaxFinal;

    /// <summary>Scratch floats for a device (tests lower its final width to run the levels on the CPU).</summary>
    public static int ScratchLength(ComputeDevice device, int count) => ScratchLength(count, device.ReductionMaxFinal);

    /// <summary>Scratch floats <see cref="Collapse"/> needs for <paramref name="count"/> partials (0 when none).</summary>
    public static int ScratchLength(int count, int maxFinal = MaxFinal)
    {
        int total = 0;
        while (count > maxFinal)
        {
            count = (count + FanIn - 1) / FanIn;
            total += count;
        }
        return total;
    }

    /// <summary>The [levels] tree scratch at <paramref name="offset"/> of a buffer; empty (no view) when no level is needed.</summary>
    public static ArrayView<float> ScratchAt(ArrayView<float> buffer, long offset, int levels) =>
        levels == 0 ? default : buffer.SubView(offset, levels);

    /// <summary>
    /// Sums partials[0..count) down to at most <see cref="MaxFinal"/> values written into
    /// scratch [ScratchLength(count)]; returns what the final kernel should add up.
    /// </summary>
    public static (ArrayView<float> Partials, int Count) Collapse(ComputeDevice device, ArrayView<float> partials, int count, ArrayView<float> scratch)
    {
        long offset = 0;
        while (count > device.ReductionMaxFinal)
        {
            int outCount = (count + FanIn - 1) / FanIn;
            var output = scratch.SubView(offset, outCount); // [outCount]
            device.Kernels.SumStridedStage(outCount, count, outCount, partials, output);
            offset += outCount;
            partials = output;
            count = outCount;
        }
        return (partials, count);
    }
}
