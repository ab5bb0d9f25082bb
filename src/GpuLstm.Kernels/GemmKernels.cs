using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>General matrix multiply kernels (row-major, strided operands).</summary>
public static class GemmKernels
{
    /// <summary>Shared-memory tile edge of <see cref="GemmTiled"/>: a 16x16 group computes a 64x64 block of C.</summary>
    public const int TileSize = 64;
    public const int TileK = 16;
    public const int GroupEdge = 16;
    private const int Micro = TileSize / GroupEdge; // 4x4 outputs per thread

    /// <summary>
    /// One output element per work item, grid-stride over M*N. Used where shared memory is
    /// simulated (the CPU accelerator) and as the universal fallback.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemmGridStride(Index1D index, int launched, GemmArgs g,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        long total = (long)g.M * g.N;
        for (long e = index; e < total; e += launched)
        {
            int m = (int)(e / g.N);
            int n = (int)(e - (long)m * g.N);
            long ai = (long)m * g.ARowStride;
            long bi = (long)n * g.BColStride;
            float sum = 0f;
            for (int k = 0; k < g.K; k++)
            {
                sum += a[ai] * b[bi];
                ai += g.AColStride;
                bi += g.BRowStride;
            }
            long ci = (long)m * g.CRowStride + n;
            c[ci] = g.Beta == 0f ? g.Alpha * sum : g.Alpha * sum + g.Beta * c[ci];
        }
    }

    /// <summary>
    /// Explicitly grouped GPU GEMM: grid (ceil(N/64), ceil(M/64)), groups of 16x16 threads, each
    /// thread accumulating a 4x4 micro-tile from 64x16 / 16x64 tiles staged in shared memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemmTiled(GemmArgs g, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        var tileA = SharedMemory.Allocate<float>(TileK * TileSize); // [TileK, TileSize] = A^T block
        var tileB = SharedMemory.Allocate<float>(TileK * TileSize); // [TileK, TileSize]
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int tid = ty * GroupEdge + tx;
        int rowBase = Grid.IdxY * TileSize;
        int colBase = Grid.IdxX * TileSize;

        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;

        for (int k0 = 0; k0 < g.K; k0 += TileK)
        {
            // 1024 elements per tile, 256 threads: 4 loads each, zero-padded at the edges.
            for (int l = tid; l < TileK * TileSize; l += GroupEdge * GroupEdge)
            {
                int kk = l / TileSize;
                int mm = l - kk * TileSize;
                int gm = rowBase + mm;
                int gk = k0 + kk;
                tileA[l] = gm < g.M && gk < g.K ? a[(long)gm * g.ARowStride + (long)gk * g.AColStride] : 0f;
                int gn = colBase + mm;
                tileB[l] = gn < g.N && gk < g.K ? b[(long)gk * g.BRowStride + (long)gn * g.BColStride] : 0f;
            }
            Group.Barrier();
            for (int kk = 0; kk < TileK; kk++)
            {
                int ab = kk * TileSize + ty * Micro;
                int bb = kk * TileSize + tx * Micro;
                float a0 = tileA[ab], a1 = tileA[ab + 1], a2 = tileA[ab + 2], a3 = tileA[ab + 3];
                float b0 = tileB[bb], b1 = tileB[bb + 1], b2 = tileB[bb + 2], b3 = tileB[bb + 3];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier();
        }

        int r = rowBase + ty * Micro;
        int col = colBase + tx * Micro;
        Store(g, c, r, col, c00, c01, c02, c03);
        Store(g, c, r + 1, col, c10, c11, c12, c13);
        Store(g, c, r + 2, col, c20, c21, c22, c23);
        Store(g, c, r + 3, col, c30, c31, c32, c33);
    }

    private static void Store(GemmArgs g, ArrayView<float> c, int row, int col, float v0, float v1, float v2, float v3)
    {
        if (row >= g.M)
            return;
        long baseIndex = (long)row * g.CRowStride + col;
        StoreOne(g, c, baseIndex, col, v0);
        StoreOne(g, c, baseIndex + 1, col + 1, v1);
        StoreOne(g, c, baseIndex + 2, col + 2, v2);
        StoreOne(g, c, baseIndex + 3, col + 3, v3);
    }

    private static void StoreOne(GemmArgs g, ArrayView<float> c, long index, int col, float v)
    {
        if (col < g.N)
            c[index] = g.Beta == 0f ? g.Alpha * v : g.Alpha * v + g.Beta * c[index];
    }
}
