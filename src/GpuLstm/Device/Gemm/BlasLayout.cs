using GpuLstm.Kernels;

namespace GpuLstm.Device;

/// <summary>
/// Maps a strided operand to a BLAS (transpose flag, leading dimension) pair for row-major calls.
/// Column-major cuBLAS uses the same pairs with A and B swapped (C^T = B^T A^T).
/// </summary>
internal readonly record struct BlasOperand(bool Transposed, int LeadingDimension)
{
    /// <summary>Null when the strides are not a dense (possibly transposed) layout.</summary>
    public static BlasOperand? From(int rows, int cols, int rowStride, int colStride)
    {
        if (colStride == 1 && (rowStride >= cols || rows == 1))
            return new BlasOperand(false, Math.Max(Math.Max(rowStride, cols), 1));
        if (rowStride == 1 && (colStride >= rows || cols == 1))
            return new BlasOperand(true, Math.Max(Math.Max(colStride, rows), 1));
        return null;
    }

    public static (BlasOperand A, BlasOperand B)? From(in GemmArgs g)
    {
        var a = From(g.M, g.K, g.ARowStride, g.AColStride);
        var b = From(g.K, g.N, g.BRowStride, g.BColStride);
        return a is null || b is null || g.CRowStride < g.N ? null : (a.Value, b.Value);
    }
}
