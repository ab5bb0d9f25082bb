using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// Inputs, targets and sample weights (one array per model input and output; weights optional per
/// output) uploaded to the device once per Fit/Evaluate; batches are gathered on the device by an
/// index tensor (one upload of the shuffled order per epoch), so a training step copies nothing
/// from the host.
/// </summary>
internal sealed class DeviceDataset : IDisposable
{
    private const int MaxExactIndex = 1 << 24; // float indices are exact below this

    private readonly Tensor[] _x;      // per input  [N, ...sample]
    private readonly Tensor[] _y;      // per output [N, ...target]
    private readonly Tensor?[] _w;     // per output [N] or [N, T] sample weights, or null
    private readonly Tensor _order;    // [N] sample indices as floats

    public DeviceDataset(ComputeDevice device, HostArray x, HostArray y, string what)
        : this(device, [x], [y], what)
    {
    }

    /// <param name="w">per output: checked sample weights (see <see cref="SampleWeights"/>) or null; null: none</param>
    public DeviceDataset(ComputeDevice device, IReadOnlyList<HostArray> x, IReadOnlyList<HostArray> y, string what,
        IReadOnlyList<HostArray?>? w = null)
    {
        Count = x[0].Count;
        foreach (var (array, label) in x.Select((a, i) => (a, x.Count == 1 ? "x" : $"x[{i}]"))
                     .Concat(y.Select((a, i) => (a, y.Count == 1 ? "y" : $"y[{i}]"))))
        {
            if (array.Count != Count)
                throw new ArgumentException($"{what}: {(x.Count == 1 ? "x" : "x[0]")} has {Count} samples but {label} has {array.Count}.");
        }
        if (Count == 0)
            throw new ArgumentException($"{what}: no samples.");
        if (Count >= MaxExactIndex)
            throw new ArgumentException($"{what}: {Count} samples exceed the supported {MaxExactIndex - 1}.");
        _x = x.Select((a, i) => Tensor.FromArray(device, a.Data, a.Shape, $"x{i}")).ToArray();
        _y = y.Select((a, i) => Tensor.FromArray(device, a.Data, a.Shape, $"y{i}")).ToArray();
        _w = y.Select((_, i) => w?[i] is { } a ? Tensor.FromArray(device, a.Data, a.Shape, $"sample_weight{i}") : null).ToArray();
        _order = Tensor.FromArray(device, Enumerable.Range(0, Count).Select(i => (float)i).ToArray(), [Count], "order");
    }

    public int Count { get; }

    /// <summary>Uploads a new sample order (one transfer per epoch).</summary>
    public void SetOrder(int[] order) => _order.CopyFrom(order.Select(i => (float)i).ToArray());

    /// <summary>Samples order[start .. start+count) of every x, y and sample weight, gathered into tape-owned tensors.</summary>
    public (Tensor[] X, Tensor[] Y, Tensor?[] W) Batch(Tape tape, int start, int count)
    {
        var indices = _order.Slice(start, [count]);
        try
        {
            return (_x.Select(t => Ops.GatherRowsOp.Forward(tape, t, indices, count, "batch_x")).ToArray(),
                _y.Select(t => Ops.GatherRowsOp.Forward(tape, t, indices, count, "batch_y")).ToArray(),
                _w.Select(t => t is null ? null : Ops.GatherRowsOp.Forward(tape, t, indices, count, "batch_sample_weight")).ToArray());
        }
        finally
        {
            indices.Dispose();
        }
    }

    /// <summary>Samples [start, start+count) in stored order, as views (no copy).</summary>
    public (Tensor[] X, Tensor[] Y, Tensor?[] W) Slice(Tape tape, int start, int count) =>
        (_x.Select(t => tape.Own(Rows(t, start, count))).ToArray(), _y.Select(t => tape.Own(Rows(t, start, count))).ToArray(),
            _w.Select(t => t is null ? null : tape.Own(Rows(t, start, count))).ToArray());

    private static Tensor Rows(Tensor t, int start, int count)
    {
        int len = (int)(t.Length / t.Shape[0]);
        var shape = t.Shape.ToArray();
        shape[0] = count;
        return t.Slice((long)start * len, shape);
    }

    public void Dispose()
    {
        foreach (var t in _x.Concat(_y))
            t.Dispose();
        foreach (var t in _w)
            t?.Dispose();
        _order.Dispose();
    }
}
