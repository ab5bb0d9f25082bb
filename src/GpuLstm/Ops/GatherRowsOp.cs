using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>result[i] = source[indices[i]] along the first axis (a shuffled batch of device-resident data); no gradient.</summary>
public static class GatherRowsOp
{
    public static Tensor Forward(Tape tape, Tensor source, Tensor indices, int count, string name)
    {
        var device = tape.Device;
        int len = (int)(source.Length / source.Shape[0]);
        var shape = source.Shape.ToArray();
        shape[0] = count;
        var result = tape.NewTensor(shape, name); // [count, ...source.Shape[1..]]
        int threads = device.Threads((long)count * len);
        device.Kernels.GatherRows(threads, threads, count, len, indices.View, source.View, result.View);
        return result;
    }
}
