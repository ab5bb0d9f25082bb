using System.Runtime.Intrinsics;
using ILGPU;

namespace GpuLstm.Device.Cpu;

using View = ArrayView<float>;

/// <summary>
/// The CPU accelerator's host-thread implementation of ElementwiseKernels.SwapLeadingAxes: each
/// [inner] row moves whole (a memory copy when beta is 0), so the results are bit-identical.
/// </summary>
internal static unsafe class CpuSwapAxes
{
    public static void SwapLeadingAxes(int dim0, int dim1, int inner, int reverseAxis, float beta,
        View src,   // [dim0, dim1, inner]
        View dst)   // [dim1, dim0, inner]
    {
        var s = new State { Dim0 = dim0, Dim1 = dim1, Inner = inner, ReverseAxis = reverseAxis, Beta = beta, Src = CpuViews.Ptr(src), Dst = CpuViews.Ptr(dst) };
        CpuParallel.Rows(dim0, (long)dim1 * inner, (first, end) => s.Run(first, end));
    }

    private struct State
    {
        public int Dim0, Dim1, Inner, ReverseAxis;
        public float Beta;
        public float* Src, Dst;

        public readonly void Run(int first, int end)
        {
            if (Inner < 8)
            {
                RunTiled(first, end);
                return;
            }
            for (int i = first; i < end; i++)
            {
                int di = ReverseAxis == 0 ? Dim0 - 1 - i : i;
                for (int j = 0; j < Dim1; j++)
                {
                    int dj = ReverseAxis == 1 ? Dim1 - 1 - j : j;
                    float* from = Src + ((long)i * Dim1 + j) * Inner;
                    float* to = Dst + ((long)dj * Dim0 + di) * Inner;
                    if (Beta == 0f)
                        new ReadOnlySpan<float>(from, Inner).CopyTo(new Span<float>(to, Inner));
                    else
                        AddScaled(from, to, Inner, Beta);
                }
            }
        }

        /// <summary>
        /// Short rows (a 2-D transpose such as U -> U^T has Inner 1): element by element in 32 x 32
        /// tiles, so both sides stay in cache; a span copy per row costs ~5 ns per element there.
        /// </summary>
        private readonly void RunTiled(int first, int end)
        {
            const int Tile = 32;
            for (int i0 = first; i0 < end; i0 += Tile)
            {
                int iEnd = Math.Min(i0 + Tile, end);
                for (int j0 = 0; j0 < Dim1; j0 += Tile)
                {
                    int jEnd = Math.Min(j0 + Tile, Dim1);
                    for (int i = i0; i < iEnd; i++)
                    {
                        int di = ReverseAxis == 0 ? Dim0 - 1 - i : i;
                        for (int j = j0; j < jEnd; j++)
                        {
                            int dj = ReverseAxis == 1 ? Dim1 - 1 - j : j;
                            float* from = Src + ((long)i * Dim1 + j) * Inner;
                            float* to = Dst + ((long)dj * Dim0 + di) * Inner;
                            for (int k = 0; k < Inner; k++)
                                to[k] = Beta == 0f ? from[k] : from[k] + Beta * to[k];
                        }
                    }
                }
            }
        }

        /// <summary>to = from + beta * to, multiply then add as the kernel does.</summary>
        private static void AddScaled(float* from, float* to, int n, float beta)
        {
            var b = Vector256.Create(beta);
            int k = 0;
            for (; k + 8 <= n; k += 8)
                (Vector256.Load(from + k) + b * Vector256.Load(to + k)).Store(to + k);
            for (; k < n; k++)
                to[k] = from[k] + beta * to[k];
        }
    }
}
