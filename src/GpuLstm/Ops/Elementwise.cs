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
        device.CountLaunch();
        device.Kernels.Axpby(n, n, (int)x.Length, alpha, beta, x, y);
    }

    /// <summary>Copies x into y, or adds it when accumulating (beta = 1).</summary>
    public static void CopyInto(Tensor x, Tensor y, float beta = 0f) => Axpby(x.Device, 1f, x.View, beta, y.View);

    public static void Fill(ComputeDevice device, ArrayView<float> x, float value)
    {
        int n = device.Threads(x.Length);
        device.CountLaunch();
        device.Kernels.Fill(n, n, (int)x.Length, value, x);
    }

    /// <summary>dst[c] = sum over rows of src[r, c] (+ beta * dst).</summary>
    public static void ColumnSum(ComputeDevice device, ArrayView<float> src, int rows, int cols, float beta, ArrayView<float> dst)
    {
        int n = device.Threads(cols);
        device.CountLaunch();
        device.Kernels.ColumnSum(n, n, rows, cols, beta, src, dst);
    }
}
