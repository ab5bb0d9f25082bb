namespace GpuLstm.Device.GridPlans;

/// <summary>
/// What a device offers a grid recurrence: its multiprocessors, how many threads and how much shared memory one
/// group may have (on CUDA the opt-in limit, 227 KB on H100/H200), and the group size the planner starts from.
/// </summary>
public sealed record GridLimits(string Device, int Multiprocessors, int MaxThreadsPerGroup, int MaxSharedBytesPerGroup, int GroupSize)
{
    /// <summary>An H100 SXM as its data sheet gives it (H200 has the same SM): 132 SMs, 227 KB opt-in shared memory per group.</summary>
    public static GridLimits H100 { get; } = new("H100 (data sheet)", 132, 1024, 227 * 1024, 256);
}

/// <summary>
/// CUDA's occupancy rule for one multiprocessor, entered as data: how many groups of a kernel can be resident at
/// once given their threads, registers and shared memory (what cuOccupancyMaxActiveBlocksPerMultiprocessor
/// answers on a real device).
/// </summary>
public sealed record MultiprocessorModel(int MaxThreads, int MaxGroups, int Registers, int RegisterGranule, int SharedBytes,
    int ReservedSharedBytesPerGroup)
{
    /// <summary>Hopper (sm_90): 2048 threads, 32 groups, 64 K registers, 228 KB shared memory (1 KB of it reserved per group).</summary>
    public static MultiprocessorModel Hopper { get; } = new(2048, 32, 65536, 256, 228 * 1024, 1024);

    public int ResidentGroups(int groupSize, int registersPerThread, int sharedBytes)
    {
        int byThreads = MaxThreads / groupSize;
        int warps = (groupSize + 31) / 32;
        int registersPerWarp = (registersPerThread * 32 + RegisterGranule - 1) / RegisterGranule * RegisterGranule;
        int byRegisters = registersPerWarp == 0 ? MaxGroups : Registers / (registersPerWarp * warps);
        int bySharedMemory = SharedBytes / (sharedBytes + ReservedSharedBytesPerGroup);
        return Math.Min(Math.Min(byThreads, MaxGroups), Math.Min(byRegisters, bySharedMemory));
    }
}
