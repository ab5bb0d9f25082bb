namespace GpuLstm.Device;

/// <summary>
/// What a device did: kernel launches, device allocations, host/device transfers and the memory
/// high-water mark. Benchmarks read differences of these around one training step.
/// </summary>
public sealed class DeviceCounters
{
    public long KernelLaunches { get; private set; }
    public long Allocations { get; private set; }
    public long Transfers { get; private set; }
    public long BytesInUse { get; private set; }
    public long BytesHighWater { get; private set; }

    internal void Launch() => KernelLaunches++;

    internal void Transfer() => Transfers++;

    internal void Allocated(long bytes)
    {
        Allocations++;
        BytesInUse += bytes;
        BytesHighWater = Math.Max(BytesHighWater, BytesInUse);
    }

    internal void Freed(long bytes) => BytesInUse -= bytes;

    public CounterSnapshot Snapshot() => new(KernelLaunches, Allocations, Transfers, BytesHighWater);
}

/// <summary>Counters at one moment; subtract two to get what happened in between.</summary>
public readonly record struct CounterSnapshot(long KernelLaunches, long Allocations, long Transfers, long BytesHighWater)
{
    public static CounterSnapshot operator -(CounterSnapshot a, CounterSnapshot b) =>
        new(a.KernelLaunches - b.KernelLaunches, a.Allocations - b.Allocations, a.Transfers - b.Transfers,
            a.BytesHighWater);
}
