using GpuLstm.Device;
using GpuLstm.Kernels;

namespace GpuLstm.Ops;

/// <summary>Host launcher for C = alpha * A * B + beta * C with shape checks; the device picks the engine.</summary>
public static class Gemm
{
    public static void Run(ComputeDevice device, string op, MatrixView a, MatrixView b, MatrixView c,
        float alpha = 1f, float beta = 0f)
    {
        if (a.Cols != b.Rows || c.Rows != a.Rows || c.Cols != b.Cols)
            throw new ArgumentException(
                $"{op}: GEMM shapes do not chain: A [{a.Rows}, {a.Cols}] x B [{b.Rows}, {b.Cols}] -> C [{c.Rows}, {c.Cols}].");
        if (c.ColStride != 1)
            throw new ArgumentException($"{op}: GEMM output must be row-major with unit column stride.");
        var args = new GemmArgs
        {
            M = a.Rows,
            N = b.Cols,
            K = a.Cols,
            ARowStride = a.RowStride,
            AColStride = a.ColStride,
            BRowStride = b.RowStride,
            BColStride = b.ColStride,
            CRowStride = c.RowStride,
            Alpha = alpha,
            Beta = beta,
        };
        device.CountLaunch("Gemm", op);
        device.Gemm.Run(args, a.View, b.View, c.View);
    }
}
