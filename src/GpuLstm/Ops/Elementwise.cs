using GpuLstm.Device;
using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>Host launchers for the small pointwise kernels the ops share.</summary>
internal static class Elementwise
{
    /// <summary>y = alpha * x + beta * y over equal-length views.</summary>
    public static void Axpby(ComputeDevice device, float alpha, ArrayView<float> x, float beta, ArrayView<float> y)
    {
        int n = device.Threads(x.Length);
        device.Kernels.Axpby(n, n, (int)x.Length, alpha, beta, x, y);
    }

    /// <summary>Copies x into y, or adds it when accumulating (beta = 1).</summary>
    public static void CopyInto(Tensor x, Tensor y, float beta = 0f) => Axpby(x.Device, 1f, x.View, beta, y.View);

    public static void Fill(ComputeDevice device, ArrayView<float> x, float value)
    {
        int n = device.Threads(x.Length);
        device.Kernels.Fill(n, n, (int)x.Length, value, x);
    }

    /// <summary>
    /// dst[c] = sum over rows of src[r, c] (+ beta * dst), as the GEMM ones[1, rows] x src: BLAS
    /// engines make it fast and keep a fixed summation order.
    /// </summary>
    public static void ColumnSum(ComputeDevice device, ArrayView<float> src, int rows, int cols, float beta, ArrayView<float> dst)
    {
        Gemm.Run(device, "column_sum", new MatrixView(device.Ones(rows), 1, rows, rows, 1),
            new MatrixView(src, rows, cols, cols, 1), new MatrixView(dst, 1, cols, cols, 1), 1f, beta);
    }
}
