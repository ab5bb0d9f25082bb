using ILGPU;
using ILGPU.Runtime.Cuda;

namespace GpuLstm.Kernels;

/// <summary>
/// A group's small matrix product on TF32 tensor cores (CUDA only, opt-in): each warp computes 16 x 8 tiles of C with
/// mma.sync.aligned.m16n8k8 (inputs rounded to TF32 by cvt.rna, FP32 accumulation), fragments laid out as the PTX
/// ISA gives them for .tf32 (A: rows groupID and groupID + 8, columns threadID_in_group and + 4; B: rows
/// threadID_in_group and + 4, column groupID; C: rows groupID and + 8, columns 2 threadID_in_group and + 1).
/// Out-of-range rows, columns and depths read as zero. Never planned off CUDA (the grid kernels check Tf32 there).
/// </summary>
internal static class Tf32Tiles
{
    /// <summary>
    /// C[m, n] = sum_k A[m * aRow + k] * B[k * bK + n * bN] for m &lt; rows, n &lt; cols (C row stride cStride).
    /// Every thread of a group whose size is a multiple of 32 must call it; it has no barrier of its own.
    /// </summary>
    public static void Product(ArrayView<float> a, int aRow, ArrayView<float> b, int bK, int bN, int rows, int cols, int depth,
        ArrayView<float> c, int cStride)
    {
        if (!CudaAsm.IsSupported)
            return;
        int lane = Group.IdxX & 31, warp = Group.IdxX >> 5, warps = Group.DimX >> 5;
        int g = lane >> 2, q = lane & 3;
        int tilesN = (cols + 7) >> 3, tiles = ((rows + 15) >> 4) * tilesN;
        for (int tile = warp; tile < tiles; tile += warps) // warp-uniform: mma.sync needs the whole warp
        {
            int tm = tile / tilesN;
            int r0 = tm * 16 + g, r1 = r0 + 8, n0 = (tile - tm * tilesN) * 8, n = n0 + g;
            var d0 = default(Output<float>);
            var d1 = default(Output<float>);
            var d2 = default(Output<float>);
            var d3 = default(Output<float>);
            Input<float> c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
            for (int k0 = 0; k0 < depth; k0 += 8)
            {
                int ka = k0 + q, kb = ka + 4;
                Input<float> a0 = A(a, aRow, r0, ka, rows, depth), a1 = A(a, aRow, r1, ka, rows, depth);
                Input<float> a2 = A(a, aRow, r0, kb, rows, depth), a3 = A(a, aRow, r1, kb, rows, depth);
                Input<float> b0 = n < cols && ka < depth ? b[ka * bK + n * bN] : 0f;
                Input<float> b1 = n < cols && kb < depth ? b[kb * bK + n * bN] : 0f;
                CudaAsm.EmitRef(
                    "{ .reg .b32 ta0, ta1, ta2, ta3, tb0, tb1;" +
                    " cvt.rna.tf32.f32 ta0, %4; cvt.rna.tf32.f32 ta1, %5; cvt.rna.tf32.f32 ta2, %6; cvt.rna.tf32.f32 ta3, %7;" +
                    " cvt.rna.tf32.f32 tb0, %8; cvt.rna.tf32.f32 tb1, %9;" +
                    " mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {ta0, ta1, ta2, ta3}, {tb0, tb1}," +
                    " {%10, %11, %12, %13}; }",
                    ref d0, ref d1, ref d2, ref d3, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref c0, ref c1, ref c2, ref c3);
                c0 = d0.Value;
                c1 = d1.Value;
                c2 = d2.Value;
                c3 = d3.Value;
            }
            int col = n0 + 2 * q;
            Store(c, cStride, r0, col, c0.Value, rows, cols);
            Store(c, cStride, r0, col + 1, c1.Value, rows, cols);
            Store(c, cStride, r1, col, c2.Value, rows, cols);
            Store(c, cStride, r1, col + 1, c3.Value, rows, cols);
        }
    }

    private static float A(ArrayView<float> a, int aRow, int row, int k, int rows, int depth) =>
        row < rows && k < depth ? a[row * aRow + k] : 0f;

    private static void Store(ArrayView<float> c, int stride, int row, int col, float value, int rows, int cols)
    {
        if (row < rows && col < cols)
            c[row * stride + col] = value;
    }
}
