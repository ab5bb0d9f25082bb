using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>Metric codes shared by host and kernels.</summary>
public static class MetricCode
{
    public const int BinaryAccuracy = 0;
    public const int CategoricalAccuracy = 1;
    public const int SparseCategoricalAccuracy = 2;
    public const int MeanAbsoluteError = 3;
    /// <summary>Is the true class among the k highest predictions (k passed as the threshold)? Target one-hot.</summary>
    public const int TopKCategoricalAccuracy = 4;
    /// <summary>The same with integer labels.</summary>
    public const int SparseTopKCategoricalAccuracy = 5;
}

/// <summary>Per-work-item partial sums of a metric over rows; ReductionKernels.SumToScalar finishes them.</summary>
public static class MetricKernels
{
    /// <summary>
    /// Binary accuracy compares pred &gt; threshold with target &gt; 0.5 per element; categorical ones
    /// compare the arg-max of each row of [rows, classes]; MAE sums |pred - target|.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MetricPartials(Index1D index, int launched, int metric, int rows, int classes, float threshold,
        ArrayView<float> pred, ArrayView<float> target, ArrayView<float> partials)
    {
        float sum = 0f;
        int count = metric == MetricCode.BinaryAccuracy || metric == MetricCode.MeanAbsoluteError ? rows * classes : rows;
        for (int e = index; e < count; e += launched)
        {
            if (metric == MetricCode.BinaryAccuracy)
                sum += (pred[e] > threshold) == (target[e] > 0.5f) ? 1f : 0f;
            else if (metric == MetricCode.MeanAbsoluteError)
                sum += MathF.Abs(pred[e] - target[e]);
            else if (metric == MetricCode.TopKCategoricalAccuracy || metric == MetricCode.SparseTopKCategoricalAccuracy)
            {
                long row = (long)e * classes;
                int label = metric == MetricCode.SparseTopKCategoricalAccuracy ? (int)target[e] : ArgMax(target, row, classes);
                // In the top k when fewer than k classes score strictly higher (Keras' in_top_k counts ties in).
                float score = pred[row + label];
                int higher = 0;
                for (int k = 0; k < classes; k++)
                    higher += pred[row + k] > score ? 1 : 0;
                sum += higher < (int)threshold ? 1f : 0f;
            }
            else
            {
                int best = ArgMax(pred, (long)e * classes, classes);
                int label = metric == MetricCode.SparseCategoricalAccuracy
                    ? (int)target[e]
                    : ArgMax(target, (long)e * classes, classes);
                sum += best == label ? 1f : 0f;
            }
        }
        partials[index] = sum;
    }

    private static int ArgMax(ArrayView<float> x, long offset, int n)
    {
        int best = 0;
        float bestValue = x[offset];
        for (int k = 1; k < n; k++)
        {
            if (x[offset + k] > bestValue)
            {
                bestValue = x[offset + k];
                best = k;
            }
        }
        return best;
    }
}
