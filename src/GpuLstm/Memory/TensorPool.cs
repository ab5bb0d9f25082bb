using GpuLstm.Device;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Memory;

/// <summary>
/// Caching allocator: buffers released by tensors are kept by size and handed out again, so a
/// training step in steady state allocates no device memory.
/// </summary>
public sealed class TensorPool : IDisposable
{
    private const long Granularity = 256; // elements; nearby sizes share buckets
    private readonly ComputeDevice _device;
    private readonly Dictionary<long, Stack<MemoryBuffer1D<float, Stride1D.Dense>>> _free = new();
    private readonly List<MemoryBuffer1D<float, Stride1D.Dense>> _all = new();

    internal TensorPool(ComputeDevice device) => _device = device;

    /// <summary>Buffers currently cached and not handed out.</summary>
    public int CachedBuffers => _free.Values.Sum(s => s.Count);

    internal MemoryBuffer1D<float, Stride1D.Dense> Rent(long length)
    {
        _device.ThrowIfDisposed();
        long size = Math.Max(Granularity, (length + Granularity - 1) / Granularity * Granularity);
        if (_free.TryGetValue(size, out var stack) && stack.Count > 0)
            return stack.Pop();
        var buffer = _device.Accelerator.Allocate1D<float>(size);
        _device.Counters.Allocated(size * sizeof(float));
        _all.Add(buffer);
        return buffer;
    }

    internal void Return(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        if (!_free.TryGetValue(buffer.Length, out var stack))
            _free[buffer.Length] = stack = new Stack<MemoryBuffer1D<float, Stride1D.Dense>>();
        stack.Push(buffer);
    }

    /// <summary>Frees every cached buffer back to the device (tensors still out keep theirs until disposed).</summary>
    public void Trim()
    {
        foreach (var stack in _free.Values)
        {
            foreach (var buffer in stack)
            {
                _device.Counters.Freed(buffer.LengthInBytes);
                _all.Remove(buffer);
                buffer.Dispose();
            }
            stack.Clear();
        }
    }

    public void Dispose()
    {
        foreach (var buffer in _all)
            buffer.Dispose();
        _all.Clear();
        _free.Clear();
    }
}
