using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>Pointwise kernels. All are grid-stride loops: launch as many threads as suit the device.</summary>
public static class ElementwiseKernels
{
    /// <summary>x[r, c] = act(x[r, c] + bias[c]) in place; bias is skipped when hasBias is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BiasActivationForward(Index1D index, int launched, int rows, int cols, int activation, int hasBias,
        ArrayView<float> x,     // [rows, cols]
        ArrayView<float> bias)  // [cols]
    {
        int total = rows * cols;
        for (int e = index; e < total; e += launched)
        {
            float v = hasBias != 0 ? x[e] + bias[e % cols] : x[e];
            x[e] = Act.Apply(activation, v);
        }
    }

    /// <summary>dx = dy * act'(y) (+ beta * dx to accumulate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ActivationBackward(Index1D index, int launched, int count, int activation, float beta,
        ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx)
    {
        for (int e = index; e < count; e += launched)
        {
            float v = dy[e] * Act.DerivFromOutput(activation, y[e]);
            dx[e] = beta == 0f ? v : v + beta * dx[e];
        }
    }

    /// <summary>y = alpha * x + beta * y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpby(Index1D index, int launched, int count, float alpha, float beta,
        ArrayView<float> x, ArrayView<float> y)
    {
        for (int e = index; e < count; e += launched)
            y[e] = beta == 0f ? alpha * x[e] : alpha * x[e] + beta * y[e];
    }

    /// <summary>x = value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(Index1D index, int launched, int count, float value, ArrayView<float> x)
    {
        for (int e = index; e < count; e += launched)
            x[e] = value;
    }

    /// <summary>
    /// dst[j, i, k] = src[i, j, k] (+ beta * dst): swaps the two leading axes, e.g. [B,T,F] and [T,B,F].
    /// reverseAxis 0 or 1 also reverses that axis of src (time, for go_backwards); -1 reverses none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwapLeadingAxes(Index1D index, int launched, int dim0, int dim1, int inner, int reverseAxis, float beta,
        ArrayView<float> src,   // [dim0, dim1, inner]
        ArrayView<float> dst)   // [dim1, dim0, inner]
    {
        int total = dim0 * dim1 * inner;
        for (int e = index; e < total; e += launched)
        {
            int k = e % inner;
            int rest = e / inner;
            int j = rest % dim1;
            int i = rest / dim1;
            if (reverseAxis == 0)
                i = dim0 - 1 - i;
            else if (reverseAxis == 1)
                j = dim1 - 1 - j;
            int d = (j * dim0 + i) * inner + k;
            dst[d] = beta == 0f ? src[e] : src[e] + beta * dst[d];
        }
    }

    /// <summary>mask = x != 0 ? 1 : 0: padding masks from token ids (Keras Embedding mask_zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NonZeroMask(Index1D index, int launched, int count, ArrayView<float> x, ArrayView<float> mask)
    {
        for (int e = index; e < count; e += launched)
            mask[e] = x[e] != 0f ? 1f : 0f;
    }

    /// <summary>
    /// dst[r, dstOffset + c] = src[r, srcOffset + c] (+ beta * dst) for c &lt; cols: one kernel for
    /// concatenating along the last axis and for splitting its gradient back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyColumns(Index1D index, int launched, int rows, int cols, int srcStride, int srcOffset,
        int dstStride, int dstOffset, float beta, ArrayView<float> src, ArrayView<float> dst)
    {
        int total = rows * cols;
        for (int e = index; e < total; e += launched)
        {
            int r = e / cols;
            int c = e - r * cols;
            long s = (long)r * srcStride + srcOffset + c;
            long d = (long)r * dstStride + dstOffset + c;
            dst[d] = beta == 0f ? src[s] : src[s] + beta * dst[d];
        }
    }
}
