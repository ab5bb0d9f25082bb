using GpuLstm.Kernels;

namespace GpuLstm.Device.GridPlans;

/// <summary>
/// How an LSTM or GRU recurrence is laid out on a grid (<see cref="LstmGridKernels"/>, <see cref="GruGridKernels"/>): Groups groups of GroupSize threads,
/// each owning Units hidden units, an element's dot products split over SplitK threads. Persistent: one launch
/// per sequence with a grid barrier between steps, which needs all Groups resident at once (ResidentGroups says
/// how many the device keeps); else step mode, one launch per step.
/// </summary>
/// <param name="Tf32">the recurrent products run on TF32 tensor cores (the kernels' Tf32 entries: CUDA sm_80+, opt-in, no recurrent dropout)</param>
public sealed record RecurrenceGridPlan(bool Persistent, int Groups, int GroupSize, int Units, int SplitK,
    int ForwardSharedBytes, int BackwardSharedBytes, int ResidentGroups, bool Tf32 = false)
{
    /// <summary>The kernel's settings for a launch running <paramref name="steps"/> steps from <paramref name="firstStep"/>.</summary>
    public RecurrenceGrid Launch(int firstStep, int steps, int totalSteps) =>
        new() { FirstStep = firstStep, Steps = steps, TotalSteps = totalSteps, Units = Units, SplitK = SplitK };

    /// <summary>
    /// Shared memory of the forward kernel in floats: U's slice [H, gates Units + 1], the partial sums [group, 4] and,
    /// with TF32, the products [B, gates Units].
    /// </summary>
    public static long ForwardSharedFloats(int hidden, int gates, int units, int groupSize, int tf32Batch = 0) =>
        (long)hidden * (gates * units + 1) + 4L * groupSize + (long)tf32Batch * gates * units;

    /// <summary>Shared memory of the backward kernel in floats: U's rows [Units, gates H + 1], the partial sums [group, 4], with TF32 the products [B, Units].</summary>
    public static long BackwardSharedFloats(int hidden, int gates, int units, int groupSize, int tf32Batch = 0) =>
        (long)units * (gates * hidden + 1) + 4L * groupSize + (long)tf32Batch * units;

    /// <summary>
    /// The deadlock guard: a persistent launch whose grid is larger than the groups the device keeps resident
    /// would spin forever in its grid barrier, so it is refused.
    /// </summary>
    public static void EnsureResident(string device, int groups, int resident, int groupSize, int sharedBytes)
    {
        if (groups > resident)
            throw new InvalidOperationException($"Persistent recurrence refused on {device}: its grid of {groups} groups " +
                $"({groupSize} threads, {sharedBytes} bytes of shared memory each) is larger than the {resident} groups the device " +
                "keeps resident, so the grid barrier between steps would deadlock. Use GPULSTM_RECURRENCE=stepwise or gemm.");
    }
}
