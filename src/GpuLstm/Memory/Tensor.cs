using GpuLstm.Device;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Memory;

/// <summary>
/// A float32 tensor in device memory, row-major. It either owns a pooled buffer (returned to the
/// pool on Dispose) or is a view of another tensor's memory (a named slice of one allocation).
/// </summary>
public sealed class Tensor : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _buffer;
    private readonly Tensor? _parent;
    private readonly ArrayView<float> _view;
    private bool _disposed;

    private Tensor(ComputeDevice device, ArrayView<float> view, int[] shape, MemoryBuffer1D<float, Stride1D.Dense>? buffer,
        Tensor? parent, string name)
    {
        Device = device;
        Shape = shape;
        _view = view;
        _buffer = buffer;
        _parent = parent;
        Name = name;
    }

    public ComputeDevice Device { get; }
    public IReadOnlyList<int> Shape { get; }
    public string Name { get; set; }
    public long Length => _view.Length;
    public int Rank => Shape.Count;

    /// <summary>True when backward should produce a gradient for this tensor.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>
    /// The padding mask [B, T] (1 = real step) travelling with a [B, T, ...] activation, as Keras
    /// attaches masks to tensors: Embedding(maskZero) sets it, LSTMs read it, and layers that keep
    /// the time axis pass it on to their output. Null: every step is real.
    /// </summary>
    public Tensor? Mask { get; private set; }

    /// <summary>
    /// When this tensor is softmax(logits) (SoftmaxOp), the logits: a probability-space cross-entropy
    /// then computes from them, stably, with the fused gradient softmax - target.
    /// </summary>
    internal Tensor? SoftmaxLogits { get; set; }

    /// <summary>Attaches <paramref name="mask"/> [B, T] (or none) and returns this tensor.</summary>
    public Tensor WithMask(Tensor? mask)
    {
        if (mask is not null && (Rank < 2 || mask.Rank != 2 || mask.Shape[0] != Shape[0] || mask.Shape[1] != Shape[1]))
            throw new ArgumentException(
                $"{Name}: a mask must be [batch, time] = [{(Rank > 0 ? Shape[0] : 0)}, {(Rank > 1 ? Shape[1] : 0)}] for a tensor of shape {ShapeUtil.Format(Shape)}, got {ShapeUtil.Format(mask.Shape)}.");
        Mask = mask;
        return this;
    }

    /// <summary>The gradient, once backward has written one.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>
    /// Whether <see cref="Grad"/> holds a value. Zeroing a gradient only clears this flag; the next
    /// writer overwrites instead of accumulating, so zeroing costs no kernel launch.
    /// </summary>
    internal bool GradValid { get; set; }

    public bool IsDisposed => _disposed || (_parent?.IsDisposed ?? false);

    internal ArrayView<float> View
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _view;
        }
    }

    /// <summary>A new tensor from the device's pool; contents are undefined until written.</summary>
    public static Tensor Allocate(ComputeDevice device, IReadOnlyList<int> shape, string name = "tensor")
    {
        int[] dims = ShapeUtil.Validate(shape, name);
        long length = ShapeUtil.Elements(dims);
        var buffer = device.Pool.Rent(length, name, dims);
        return new Tensor(device, buffer.View.SubView(0, length), dims, buffer, null, name);
    }

    public static Tensor Zeros(ComputeDevice device, IReadOnlyList<int> shape, string name = "zeros")
    {
        var t = Allocate(device, shape, name);
        t.Fill(0f);
        return t;
    }

    public static Tensor FromArray(ComputeDevice device, ReadOnlySpan<float> data, IReadOnlyList<int> shape, string name = "tensor")
    {
        long expected = ShapeUtil.Elements(ShapeUtil.Validate(shape, name));
        if (data.Length != expected)
            throw new ArgumentException(
                $"{name}: {data.Length} values do not fill shape {ShapeUtil.Format(shape)} ({expected} elements).");
        var t = Allocate(device, shape, name);
        t.CopyFrom(data);
        return t;
    }

    /// <summary>A non-owning view of elements [offset, offset + elements(shape)).</summary>
    public Tensor Slice(long offset, IReadOnlyList<int> shape, string? name = null)
    {
        int[] dims = ShapeUtil.Validate(shape, name ?? Name);
        long length = ShapeUtil.Elements(dims);
        if (offset < 0 || offset + length > Length)
            throw new ArgumentException(
                $"{name ?? Name}: slice [{offset}, {offset + length}) lies outside {Name} {ShapeUtil.Format(Shape)} ({Length} elements).");
        return new Tensor(Device, View.SubView(offset, length), dims, null, this, name ?? Name);
    }

    /// <summary>The same memory seen with another shape of equal size.</summary>
    public Tensor Reshape(IReadOnlyList<int> shape, string? name = null)
    {
        long length = ShapeUtil.Elements(ShapeUtil.Validate(shape, name ?? Name));
        if (length != Length)
            throw new ArgumentException(
                $"{name ?? Name}: cannot reshape {ShapeUtil.Format(Shape)} ({Length} elements) to {ShapeUtil.Format(shape)} ({length} elements).");
        return Slice(0, shape, name);
    }

    public void CopyFrom(ReadOnlySpan<float> data)
    {
        if (data.Length != Length)
            throw new ArgumentException($"{Name}: {data.Length} values given for shape {ShapeUtil.Format(Shape)} ({Length} elements).");
        Device.Counters.Transfer();
        View.CopyFromCPU(Device.Accelerator.DefaultStream, data);
        Device.Accelerator.DefaultStream.Synchronize();
    }

    public float[] ToArray()
    {
        var result = new float[Length];
        Device.Counters.Transfer();
        View.CopyToCPU(Device.Accelerator.DefaultStream, result);
        Device.Accelerator.DefaultStream.Synchronize();
        return result;
    }

    /// <summary>Sets every element to <paramref name="value"/> on the device.</summary>
    public void Fill(float value)
    {
        Device.Kernels.Fill(Device.Threads(Length), Device.Threads(Length), (int)Length, value, View);
    }

    public override string ToString() => $"{Name} {ShapeUtil.Format(Shape)}";

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_buffer is not null)
            Device.Pool.Return(_buffer);
    }

    /// <summary>Disposes and frees the buffer back to the device rather than the pool's cache (clean-up after a failed Build).</summary>
    internal void Free()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_buffer is not null)
            Device.Pool.Free(_buffer);
    }
}
