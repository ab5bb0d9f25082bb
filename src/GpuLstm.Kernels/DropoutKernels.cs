using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// Dropout with a counter-based hash instead of a stateful generator: the mask depends only on
/// (seed, element), so it is the same on every backend and for any launch size.
/// </summary>
public static class DropoutKernels
{
    /// <summary>
    /// mask = keep ? 1/(1-rate) : 0 with P(keep) = 1 - rate; y = x * mask. For x seen as
    /// [outer, repeat, inner] the mask is shared along the middle axis (repeat &gt; 1): Keras's LSTM
    /// dropout uses one mask per sample and feature for every time step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DropoutForward(Index1D index, int launched, int count, float rate, int seed, int repeat, int inner,
        ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask)
    {
        float scale = 1f / (1f - rate);
        for (int e = index; e < count; e += launched)
        {
            int key = e / (repeat * inner) * inner + e % inner;
            float m = Uniform(seed, key) >= rate ? scale : 0f;
            mask[e] = m;
            y[e] = x[e] * m;
        }
    }

    /// <summary>
    /// mask = keep ? 1/(1-rate) : 0 with P(keep) = 1 - rate, the same draw as <see cref="DropoutForward"/>
    /// makes for element e: a mask alone, for dropout that an op applies where it reads its input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DropoutMask(Index1D index, int launched, int count, float rate, int seed, ArrayView<float> mask)
    {
        float scale = 1f / (1f - rate);
        for (int e = index; e < count; e += launched)
            mask[e] = Uniform(seed, e) >= rate ? scale : 0f;
    }

    /// <summary>
    /// Per-gate dropout (Keras's RNN cells draw one mask per gate): src seen as [rows, inner], mask as
    /// [maskRows, copies, inner] (row r uses mask row r % maskRows: one mask per sample for every time
    /// step), dst as [rows, copies, inner] with dst[r, k, j] = src[r, j] * mask[r % maskRows, k, j].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GateDropExpand(Index1D index, int launched, int count, int copies, int inner, int maskRows,
        ArrayView<float> src, ArrayView<float> mask, ArrayView<float> dst)
    {
        int width = copies * inner;
        for (int e = index; e < count; e += launched)
        {
            int r = e / width;
            int rem = e - r * width;
            int j = rem % inner;
            dst[e] = src[r * inner + j] * mask[r % maskRows * width + rem];
        }
    }

    /// <summary>
    /// Backward of <see cref="GateDropExpand"/>: dst[r, j] = sum_k src[r, k, j] * mask[r % maskRows, k, j]
    /// (+ beta * dst[r, j]); count = rows * inner.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GateDropReduce(Index1D index, int launched, int count, int copies, int inner, int maskRows, float beta,
        ArrayView<float> src, ArrayView<float> mask, ArrayView<float> dst)
    {
        int width = copies * inner;
        for (int e = index; e < count; e += launched)
        {
            int r = e / inner;
            int j = e - r * inner;
            int s = r * width + j, m = r % maskRows * width + j;
            float v = 0f;
            for (int k = 0; k < copies; k++)
                v += src[s + k * inner] * mask[m + k * inner];
            dst[e] = beta == 0f ? v : v + beta * dst[e];
        }
    }

    /// <summary>dst = a * b (+ beta * dst): dropout's backward, dx = dy * mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(Index1D index, int launched, int count, float beta,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> dst)
    {
        for (int e = index; e < count; e += launched)
        {
            float v = a[e] * b[e];
            dst[e] = beta == 0f ? v : v + beta * dst[e];
        }
    }

    /// <summary>
    /// dst[e] = x[e] * rowScale[e / inner] (+ beta * dst[e]): one factor per row of inner elements,
    /// e.g. a [B, T] mask over a [B, T, H] sequence. Its own backward (dx = dy * rowScale).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleRows(Index1D index, int launched, int count, int inner, float beta,
        ArrayView<float> rowScale, ArrayView<float> x, ArrayView<float> dst)
    {
        for (int e = index; e < count; e += launched)
        {
            float v = x[e] * rowScale[e / inner];
            dst[e] = beta == 0f ? v : v + beta * dst[e];
        }
    }

    /// <summary>A uniform float in [0, 1) from a 32-bit integer hash of (seed, element).</summary>
    private static float Uniform(int seed, int element)
    {
        uint h = (uint)element * 0x9E3779B9u ^ (uint)seed * 0x85EBCA6Bu;
        h ^= h >> 16;
        h *= 0x7FEB352Du;
        h ^= h >> 15;
        h *= 0x846CA68Bu;
        h ^= h >> 16;
        return (h >> 8) * (1f / 16777216f);
    }
}
