using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>
/// A 2-D window on device memory: element (r, c) lives at r*RowStride + c*ColStride.
/// Transposing swaps the strides, so GEMM needs no transposed copies.
/// </summary>
public readonly record struct MatrixView(ArrayView<float> View, int Rows, int Cols, int RowStride, int ColStride)
{
    /// <summary>A dense row-major [rows, cols] matrix over the tensor's memory.</summary>
    public static MatrixView Of(Tensor t, int rows, int cols)
    {
        if ((long)rows * cols != t.Length)
            throw new ArgumentException($"{t.Name}: shape {ShapeUtil.Format(t.Shape)} cannot be viewed as a [{rows}, {cols}] matrix.");
        return new MatrixView(t.View, rows, cols, cols, 1);
    }

    public MatrixView T => new(View, Cols, Rows, ColStride, RowStride);
}
