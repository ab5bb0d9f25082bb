using GpuLstm.Device;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

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

    /// <summary>Buffers handed out to tensors and not yet returned (a failed Build must leave this unchanged).</summary>
    internal int RentedBuffers => _all.Count - CachedBuffers;

    /// <summary>Test seam: called with the bytes of every device allocation just before it is made; may throw as the device would.</summary>
    internal Action<long>? BeforeAllocate { get; set; }

    /// <param name="length">Elements wanted (the shape was validated).</param>
    /// <param name="name">The tensor and <paramref name="shape"/> its shape, for an out-of-memory message.</param>
    internal MemoryBuffer1D<float, Stride1D.Dense> Rent(long length, string name, int[] shape)
    {
        var buffer = RentUnpoisoned(length, name, shape);
        if (PoisonRented)
            buffer.View.MemSet(0xFF); // every float NaN
        return buffer;
    }

    /// <summary>
    /// Test seam: every rented buffer starts as NaNs, so a kernel that reads what it should have written first (or
    /// what another group has not written yet) shows, instead of finding a previous run's equal values.
    /// </summary>
    internal bool PoisonRented { get; set; }

    private MemoryBuffer1D<float, Stride1D.Dense> RentUnpoisoned(long length, string name, int[] shape)
    {
        _device.ThrowIfDisposed();
        long size = Math.Max(Granularity, (length + Granularity - 1) / Granularity * Granularity);
        if (_free.TryGetValue(size, out var stack) && stack.Count > 0)
            return stack.Pop();
        MemoryBuffer1D<float, Stride1D.Dense> buffer;
        try
        {
            buffer = Allocate(size);
        }
        catch (Exception e) when (IsOutOfMemory(e))
        {
            // Cached buffers hold device memory nobody uses right now: give it back and try once more.
            Trim();
            try
            {
                buffer = Allocate(size);
            }
            catch (Exception again) when (IsOutOfMemory(again))
            {
                throw new InsufficientMemoryException(
                    $"{name} {ShapeUtil.Format(shape)}: out of device memory on {_device} asking for {ShapeUtil.FormatBytes(size)}; " +
                    $"GpuLstm already holds {ShapeUtil.FormatBytes(_device.Counters.BytesInUse / sizeof(float))} there in {_all.Count} buffers " +
                    "(cached ones were freed and the allocation retried). Use a smaller batch, fewer time steps or fewer units.", again);
            }
        }
        _device.Counters.Allocated(size * sizeof(float));
        _all.Add(buffer);
        return buffer;
    }

    private MemoryBuffer1D<float, Stride1D.Dense> Allocate(long size)
    {
        BeforeAllocate?.Invoke(size * sizeof(float));
        return _device.Accelerator.Allocate1D<float>(size);
    }

    /// <summary>What ILGPU throws when a device (CUDA, OpenCL) or the host (CPU accelerator) has no memory left.</summary>
    private static bool IsOutOfMemory(Exception e) => e switch
    {
        OutOfMemoryException => true,
        // ILGPU keeps CUDA's error as its name (a string); the driver's message says "out of memory".
        CudaException cuda => cuda.Error == nameof(CudaError.CUDA_ERROR_OUT_OF_MEMORY)
            || cuda.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase),
        CLException cl => cl.Error is CLError.CL_MEM_OBJECT_ALLOCATION_FAILURE or CLError.CL_OUT_OF_RESOURCES or CLError.CL_OUT_OF_HOST_MEMORY,
        _ => false,
    };

    /// <summary>Frees a buffer back to the device instead of caching it (a failed Build keeps nothing).</summary>
    internal void Free(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        _device.Counters.Freed(buffer.LengthInBytes);
        _all.Remove(buffer);
        buffer.Dispose();
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
