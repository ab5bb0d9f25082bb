using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// Inputs and targets uploaded to the device once per Fit/Evaluate; batches are gathered on the
/// device by an index tensor (one upload of the shuffled order per epoch), so a training step copies
/// nothing from the host.
/// </summary>
internal sealed class DeviceDataset : IDisposable
{
    private const int MaxExactIndex = 1 << 24; // float indices are exact below this

    private readonly Tensor _x;        // [N, ...sample]
    private readonly Tensor _y;        // [N, ...target]
    private readonly Tensor _order;    // [N] sample indices as floats

    public DeviceDataset(ComputeDevice device, HostArray x, HostArray y, string what)
    {
        if (x.Count != y.Count)
            throw new ArgumentException($"{what}: x has {x.Count} samples but y has {y.Count}.");
        if (x.Count == 0)
            throw new ArgumentException($"{what}: no samples.");
        if (x.Count >= MaxExactIndex)
            throw new ArgumentException($"{what}: {x.Count} samples exceed the supported {MaxExactIndex - 1}.");
        Count = x.Count;
        XShape = x.Shape;
        YShape = y.Shape;
        _x = Tensor.FromArray(device, x.Data, x.Shape, "x");
        _y = Tensor.FromArray(device, y.Data, y.Shape, "y");
        _order = Tensor.FromArray(device, Enumerable.Range(0, Count).Select(i => (float)i).ToArray(), [Count], "order");
    }

    public int Count { get; }
    public int[] XShape { get; }
    public int[] YShape { get; }

    /// <summary>Uploads a new sample order (one transfer per epoch).</summary>
    public void SetOrder(int[] order) => _order.CopyFrom(order.Select(i => (float)i).ToArray());

    /// <summary>Samples order[start .. start+count) of x and y, gathered into tape-owned tensors.</summary>
    public (Tensor X, Tensor Y) Batch(Tape tape, int start, int count)
    {
        var indices = _order.Slice(start, [count]);
        try
        {
            return (Ops.GatherRowsOp.Forward(tape, _x, indices, count, "batch_x"), Ops.GatherRowsOp.Forward(tape, _y, indices, count, "batch_y"));
        }
        finally
        {
            indices.Dispose();
        }
    }

    /// <summary>Samples [start, start+count) in stored order, as views (no copy).</summary>
    public (Tensor X, Tensor Y) Slice(Tape tape, int start, int count) =>
        (tape.Own(Rows(_x, start, count)), tape.Own(Rows(_y, start, count)));

    private static Tensor Rows(Tensor t, int start, int count)
    {
        int len = (int)(t.Length / t.Shape[0]);
        var shape = t.Shape.ToArray();
        shape[0] = count;
        return t.Slice((long)start * len, shape);
    }

    public void Dispose()
    {
        _x.Dispose();
        _y.Dispose();
        _order.Dispose();
    }
}
