using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuLstm.Device.Cpu;

/// <summary>Where one packed panel's columns go in C: the first column and how many of the panel's 32 are real.</summary>
internal readonly record struct PanelTarget(int Column, int Width);

/// <summary>
/// A small SGEMM for the recurrence, C[M, panels] (+)= A[M, K] B, with B packed once per sequence
/// into panels of 32 columns ([panel][K][32], zero padded), each panel landing on its own columns of C.
/// A BLAS call packs its operands on every call, which for a per-step [64, 512] x [512, 2048] costs
/// about a third of the product; with the weights packed once (and kept in the core's cache by the
/// thread that owns them) an 8 x 32 tile of 16 AVX-512 accumulators runs at ~165 GFLOP/s per core here
/// against OpenBLAS's 110-150. K is taken in blocks of <see cref="DepthBlock"/> so a panel's block
/// stays in L1 across all row tiles.
/// </summary>
internal static unsafe class CpuPanelGemm
{
    public const int PanelWidth = 32;
    public const int DepthBlock = 256;

    /// <summary>Whether this CPU runs 512-bit vectors in hardware (else the tile would run emulated).</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    /// <summary>Floats a packing of <paramref name="panels"/> panels of depth <paramref name="depth"/> takes.</summary>
    public static long PackedLength(int panels, int depth) => (long)panels * depth * PanelWidth;

    /// <summary>
    /// Packs B[k, n] = src[k * kStride + (target.Column + n) * nStride] for every panel, zero padded
    /// past each panel's width: dst is [panels][depth][32].
    /// </summary>
    public static void Pack(float* src, long kStride, long nStride, int depth, ReadOnlySpan<PanelTarget> panels, float* dst)
    {
        for (int p = 0; p < panels.Length; p++)
        {
            var (column, width) = panels[p];
            float* panel = dst + PackedLength(p, depth);
            for (int k = 0; k < depth; k++)
            {
                float* row = panel + (long)k * PanelWidth;
                float* from = src + k * kStride + column * nStride;
                int n = 0;
                for (; n < width; n++)
                    row[n] = from[n * nStride];
                for (; n < PanelWidth; n++)
                    row[n] = 0f;
            }
        }
    }

    /// <summary>C[rows, panel columns] = (accumulate ? C : 0) + A[rows, depth] B; A has row stride lda, C ldc.</summary>
    public static void Multiply(float* a, long lda, int rows, int depth, float* packed, ReadOnlySpan<PanelTarget> panels,
        float* c, long ldc, bool accumulate)
    {
        float* tile = stackalloc float[8 * PanelWidth];
        for (int k0 = 0; k0 < depth; k0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, depth - k0);
            bool add = accumulate || k0 > 0;
            for (int p = 0; p < panels.Length; p++)
            {
                var (column, width) = panels[p];
                float* b = packed + PackedLength(p, depth) + (long)k0 * PanelWidth;
                int m = 0;
                for (; m + 8 <= rows; m += 8)
                    Tile<Eight>(a + m * lda + k0, lda, b, kc, c + m * ldc + column, ldc, width, add, tile);
                for (; m + 4 <= rows; m += 4)
                    Tile<Four>(a + m * lda + k0, lda, b, kc, c + m * ldc + column, ldc, width, add, tile);
                for (; m < rows; m++)
                    Tile<One>(a + m * lda + k0, lda, b, kc, c + m * ldc + column, ldc, width, add, tile);
            }
        }
    }

    private interface IRows { static abstract int Count { get; } }
    private readonly struct Eight : IRows { public static int Count => 8; }
    private readonly struct Four : IRows { public static int Count => 4; }
    private readonly struct One : IRows { public static int Count => 1; }

    /// <summary>
    /// One tile: TRows rows of C by one panel. A partial panel (width &lt; 32) goes through the
    /// stack tile so nothing past the panel's real columns is read or written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TRows>(float* a, long lda, float* b, int depth, float* c, long ldc, int width, bool add, float* tile)
        where TRows : struct, IRows
    {
        int rows = TRows.Count;
        float* target = c;
        long stride = ldc;
        if (width < PanelWidth)
        {
            for (int r = 0; r < rows; r++)
            {
                var row = new Span<float>(tile + r * PanelWidth, PanelWidth);
                row.Clear();
                if (add)
                    new ReadOnlySpan<float>(c + r * ldc, width).CopyTo(row);
            }
            target = tile;
            stride = PanelWidth;
            add = true;
        }
        if (add && Sse.IsSupported)
            for (int r = 0; r < rows; r++) // C's lines arrive while the depth loop runs (per step they are fresh from memory)
            {
                Sse.Prefetch0(target + r * stride);
                Sse.Prefetch0(target + r * stride + 16);
            }
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        // Written out row by row, not looped: only as named locals do the 16 accumulators stay in registers.
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        for (int k = 0; k < depth; k++, b += PanelWidth)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a0[k]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            if (TRows.Count == 1)
                continue;
            x = Vector512.Create(a1[k]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[k]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[k]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            if (TRows.Count == 4)
                continue;
            x = Vector512.Create(a4[k]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[k]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[k]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[k]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        Store(target, add, c00, c01);
        if (TRows.Count > 1)
        {
            Store(target + stride, add, c10, c11);
            Store(target + 2 * stride, add, c20, c21);
            Store(target + 3 * stride, add, c30, c31);
        }
        if (TRows.Count > 4)
        {
            Store(target + 4 * stride, add, c40, c41);
            Store(target + 5 * stride, add, c50, c51);
            Store(target + 6 * stride, add, c60, c61);
            Store(target + 7 * stride, add, c70, c71);
        }
        if (target == tile)
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<float>(tile + r * PanelWidth, width).CopyTo(new Span<float>(c + r * ldc, width));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, bool add, Vector512<float> left, Vector512<float> right)
    {
        if (add)
        {
            left += Vector512.Load(c);
            right += Vector512.Load(c + 16);
        }
        left.Store(c);
        right.Store(c + 16);
    }
}
