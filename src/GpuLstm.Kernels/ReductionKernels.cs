using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>Deterministic reductions: fixed summation order, no atomics, so gradients are reproducible bit for bit.</summary>
public static class ReductionKernels
{
    /// <summary>
    /// result[0] = scale * sum(partials[0..count)) (+ result[0] when accumulate: running totals
    /// over the batches of an epoch); run with a single work item.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumToScalar(Index1D index, int count, float scale, int accumulate, ArrayView<float> partials, ArrayView<float> result)
    {
        if (index != 0)
            return;
        float value = scale * SumInOrder(partials, count);
        result[0] = accumulate != 0 ? result[0] + value : value;
    }

    /// <summary>partials[0] + ... + partials[count-1], always in that order.</summary>
    internal static float SumInOrder(ArrayView<float> partials, int count)
    {
        float sum = 0f;
        for (int i = 0; i < count; i++)
            sum += partials[i];
        return sum;
    }

    /// <summary>
    /// One level of a tree reduction: output[i] = input[i] + input[i + outCount] + input[i + 2 outCount] + ...
    /// over input[0..count), in that order, for i &lt; outCount. Neighbouring work items read neighbouring
    /// elements (coalesced on a GPU); the order depends only on count and outCount, so the bits do too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumStridedStage(Index1D index, int count, int outCount, ArrayView<float> input, ArrayView<float> output)
    {
        float sum = 0f;
        for (int e = index; e < count; e += outCount)
            sum += input[e];
        output[index] = sum;
    }

    /// <summary>partials[t] = sum of squares of x over the elements work item t visits (stage one of a norm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumOfSquaresPartials(Index1D index, int launched, int count, ArrayView<float> x, ArrayView<float> partials)
    {
        float sum = 0f;
        for (int e = index; e < count; e += launched)
            sum += x[e] * x[e];
        partials[index] = sum;
    }
}
