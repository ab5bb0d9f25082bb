using System.Numerics;

namespace GpuLstm.Device.GridPlans;

/// <summary>
/// Chooses a <see cref="RecurrenceGridPlan"/> for a shape on a device. Persistent: the fewest units per group that
/// spread H over at most one group per multiprocessor, provided both kernels' slices of U fit a group's shared
/// memory and the grid fits the resident groups. Step mode has no residency condition.
/// </summary>
public static class RecurrenceGridPlanner
{
    /// <summary>Most threads that share one element's dot products (a warp).</summary>
    public const int MaxSplitK = 32;

    /// <summary>
    /// The persistent plan, or null with <paramref name="whyNot"/> saying why it cannot run.
    /// <paramref name="residentGroups"/> answers, for a group size and shared memory in bytes, how many groups of
    /// the two kernels the whole device keeps resident at once.
    /// </summary>
    /// <param name="gates">4 for an LSTM, 3 for a GRU</param>
    /// <param name="tf32">the products on TF32 tensor cores: whole warps per group, room for the products</param>
    public static RecurrenceGridPlan? Persistent(int batch, int hidden, GridLimits limits, Func<int, int, int> residentGroups,
        out string whyNot, int gates = 4, bool tf32 = false)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(residentGroups);
        Validate(batch, hidden);
        int tooFew = -1; // the resident groups that a smaller grid still exceeded, if one did
        int fewest = Math.Max(1, Ceil(hidden, limits.Multiprocessors));
        for (int units = fewest; units <= hidden; units++)
        {
            int groups = Ceil(hidden, units);
            if (units > fewest && Ceil(hidden, units - 1) == groups)
                continue; // the same grid with more shared memory
            var (size, split) = GroupShape(batch, units, limits, tf32);
            long bytes = 4 * Math.Max(RecurrenceGridPlan.ForwardSharedFloats(hidden, gates, units, size, tf32 ? batch : 0),
                RecurrenceGridPlan.BackwardSharedFloats(hidden, gates, units, size, tf32 ? batch : 0));
            if (bytes > limits.MaxSharedBytesPerGroup)
            {
                whyNot = FormattableString.Invariant($"U's slices{(tf32 ? " and the TF32 products" : "")} for H={hidden} need {bytes / 1024.0:F1} KB of shared memory per group at {units} units ") +
                    $"per group ({groups} groups), more than the {limits.MaxSharedBytesPerGroup / 1024} KB a group has on {limits.Device}" +
                    (tooFew < 0 ? "" : $"; fewer units per group made more groups than the {tooFew} the device keeps resident");
                return null;
            }
            int resident = residentGroups(size, (int)bytes);
            if (groups <= resident)
            {
                whyNot = "";
                return Plan(true, hidden, gates, units, size, split, resident, tf32 ? batch : 0);
            }
            tooFew = resident;
        }
        whyNot = $"no grid for H={hidden}, B={batch} fits the groups {limits.Device} keeps resident";
        return null;
    }

    /// <summary>The step-mode plan: the same slices as persistent where they fit, smaller where shared memory is short.</summary>
    public static RecurrenceGridPlan Stepwise(int batch, int hidden, GridLimits limits, int gates = 4, bool tf32 = false)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Validate(batch, hidden);
        for (int units = Math.Max(1, Ceil(hidden, limits.Multiprocessors)); units >= 1; units--)
        {
            var (size, split) = GroupShape(batch, units, limits, tf32);
            long bytes = 4 * Math.Max(RecurrenceGridPlan.ForwardSharedFloats(hidden, gates, units, size, tf32 ? batch : 0),
                RecurrenceGridPlan.BackwardSharedFloats(hidden, gates, units, size, tf32 ? batch : 0));
            if (bytes <= limits.MaxSharedBytesPerGroup)
                return Plan(false, hidden, gates, units, size, split, 0, tf32 ? batch : 0);
        }
        throw new ArgumentException($"Recurrence step mode: H={hidden} needs more shared memory per group than the " +
            $"{limits.MaxSharedBytesPerGroup / 1024} KB {limits.Device} has, even with one unit per group; use GPULSTM_RECURRENCE=gemm.");
    }

    /// <summary>
    /// Threads per group and per element: each element gets as many threads (a power of two up to a warp) as the
    /// group has to spare, and a group no larger than its elements need.
    /// </summary>
    private static (int Size, int SplitK) GroupShape(int batch, int units, GridLimits limits, bool tf32)
    {
        int most = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, Math.Min(limits.GroupSize, limits.MaxThreadsPerGroup)) + 1) / 2;
        long elements = (long)batch * units;
        int split = (int)Math.Clamp(most / elements, 1, MaxSplitK);
        split = (int)BitOperations.RoundUpToPowerOf2((uint)split + 1) / 2; // a power of two
        long needed = (long)BitOperations.RoundUpToPowerOf2((ulong)elements) * split;
        int size = (int)Math.Max(split, Math.Min(most, needed));
        // TF32: mma.sync takes whole warps, and the products are read once per element (no split needed).
        return tf32 ? (Math.Max(size, 32), 1) : (size, split);
    }

    private static RecurrenceGridPlan Plan(bool persistent, int hidden, int gates, int units, int size, int split, int resident, int tf32Batch) =>
        new(persistent, Ceil(hidden, units), size, units, split,
            (int)(4 * RecurrenceGridPlan.ForwardSharedFloats(hidden, gates, units, size, tf32Batch)),
            (int)(4 * RecurrenceGridPlan.BackwardSharedFloats(hidden, gates, units, size, tf32Batch)), resident, tf32Batch > 0);

    private static void Validate(int batch, int hidden)
    {
        if (batch < 1 || hidden < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), $"Grid recurrence: batch and hidden must be >= 1, got B={batch}, H={hidden}.");
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
