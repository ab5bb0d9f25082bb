using GpuLstm.Device;
using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>
/// Keras's RNN cells with recurrent_dropout draw one mask per gate (LSTM 4, GRU 3) for x_t and for
/// h_{t-1}. A recurrent op keeps one dropped copy per gate side by side, [rows, gates, inner], and runs
/// the GEMM that reads it as one GEMM per gate on column blocks. These are the helpers for that.
/// </summary>
internal static class GateDropout
{
    /// <summary>Columns [k*width, (k+1)*width) of m: gate k of a [rows, gates*width] matrix.</summary>
    public static MatrixView Gate(MatrixView m, int k, int width)
    {
        long offset = (long)k * width * m.ColStride;
        return new MatrixView(m.View.SubView(offset, m.View.Length - offset), m.Rows, width, m.RowStride, m.ColStride);
    }

    /// <summary>dst [rows, gates, inner] = src [rows, inner] * mask [B, gates, inner]; row r uses mask row r % B (one mask per sample for all steps).</summary>
    public static void Expand(ComputeDevice device, ArrayView<float> src, int rows, int inner, Tensor mask, ArrayView<float> dst)
    {
        int gates = mask.Shape[1] / inner, count = rows * gates * inner, n = device.Threads(count);
        device.Kernels.GateDropExpand(n, n, count, gates, inner, mask.Shape[0], src, mask.View, dst);
    }

    /// <summary>Backward of <see cref="Expand"/>: dst [rows, inner] = sum_k src [rows, k, inner] * mask [B, k, inner] + beta * dst.</summary>
    public static void Reduce(ComputeDevice device, ArrayView<float> src, int rows, int inner, Tensor mask, float beta, ArrayView<float> dst)
    {
        int gates = mask.Shape[1] / inner, count = rows * inner, n = device.Threads(count);
        device.Kernels.GateDropReduce(n, n, count, gates, inner, mask.Shape[0], beta, src, mask.View, dst);
    }
}
