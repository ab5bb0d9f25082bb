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
    /// <summary>Confusion counts at one threshold: TP / (TP + FP).</summary>
    public const int Precision = 6;
    /// <summary>Confusion counts at one threshold: TP / (TP + FN).</summary>
    public const int Recall = 7;
    /// <summary>Confusion counts at evenly spaced thresholds: area under the ROC curve.</summary>
    public const int Auc = 8;

    /// <summary>Metrics compared per element (the others per row of the class axis).</summary>
    public static bool PerElement(int metric) => metric == BinaryAccuracy || metric == MeanAbsoluteError;
}

/// <summary>Per-work-item partial sums of a metric; ReductionKernels finish them.</summary>
public static class MetricKernels
{
    /// <summary>
    /// Binary accuracy compares pred &gt; threshold with target &gt; 0.5 per element; categorical ones
    /// compare the arg-max of each row of [rows, classes]; MAE sums |pred - target|. Each value is
    /// weighted (sample weight times mask, no rescaling): partials [0, launched) get the weighted
    /// values and [launched, 2 launched) the weights, whose ratio is Keras's weighted mean.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MetricPartials(Index1D index, int launched, MetricArgs args,
        ArrayView<float> pred,      // [rows, classes]
        ArrayView<float> target,    // [rows] (sparse) or [rows, classes]
        ArrayView<float> weights,   // [B] or [B, T] sample weights (HasWeights)
        ArrayView<float> mask,      // [B, T] (HasMask)
        ArrayView<float> partials)  // [2, launched]
    {
        int metric = args.Metric, classes = args.Classes;
        float sum = 0f, weightSum = 0f;
        bool perElement = MetricCode.PerElement(metric);
        int count = perElement ? args.Rows * classes : args.Rows;
        for (int e = index; e < count; e += launched)
        {
            float w = Weighting.At(args.Weights, perElement ? e : (long)e * classes, 1f, weights, mask);
            float value;
            if (metric == MetricCode.BinaryAccuracy)
                value = (pred[e] > args.Threshold) == (target[e] > 0.5f) ? 1f : 0f;
            else if (metric == MetricCode.MeanAbsoluteError)
                value = MathF.Abs(pred[e] - target[e]);
            else if (metric == MetricCode.TopKCategoricalAccuracy || metric == MetricCode.SparseTopKCategoricalAccuracy)
            {
                long row = (long)e * classes;
                int label = metric == MetricCode.SparseTopKCategoricalAccuracy ? (int)target[e] : ArgMax(target, row, classes);
                // In the top k when fewer than k classes score strictly higher (Keras' in_top_k counts ties in).
                float score = pred[row + label];
                int higher = 0;
                for (int k = 0; k < classes; k++)
                    higher += pred[row + k] > score ? 1 : 0;
                value = higher < (int)args.Threshold ? 1f : 0f;
            }
            else
            {
                int best = ArgMax(pred, (long)e * classes, classes);
                int label = metric == MetricCode.SparseCategoricalAccuracy
                    ? (int)target[e]
                    : ArgMax(target, (long)e * classes, classes);
                value = best == label ? 1f : 0f;
            }
            sum += w * value;
            weightSum += w;
        }
        partials[index] = sum;
        partials[launched + index] = weightSum;
    }

    /// <summary>
    /// Weighted true/false positives/negatives of one slice of elements at one threshold, written to
    /// partials[(slice * Thresholds + i) * 4 + (0 TP, 1 FP, 2 TN, 3 FN)]. A target counts as positive
    /// when non-zero. One threshold: positive when pred &gt; Threshold. Several (AUC): Keras's bucket
    /// rule for thresholds [-eps, 1/(n-1), ..., 1+eps], positive at threshold i when
    /// max(ceil(clip(pred, 0, 1) * (n - 1)) - 1, 0) &gt;= i.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ConfusionPartials(Index1D index, ConfusionArgs args,
        ArrayView<float> pred,      // [N]
        ArrayView<float> target,    // [N]
        ArrayView<float> weights,   // [B] or [B, T] sample weights (HasWeights)
        ArrayView<float> mask,      // [B, T] (HasMask)
        ArrayView<float> partials)  // [Slices, Thresholds, 4]
    {
        int thresholds = args.Thresholds;
        int i = index % thresholds;
        int slice = index / thresholds;
        if (slice >= args.Slices)
            return;
        float tp = 0f, fp = 0f, tn = 0f, fn = 0f;
        int end = Math.Min(args.Count, (slice + 1) * args.Chunk);
        for (int e = slice * args.Chunk; e < end; e++)
        {
            float w = Weighting.At(args.Weights, e, 1f, weights, mask);
            float p = args.FromLogits != 0 ? Act.Sigmoid(pred[e]) : pred[e];
            bool predicted = thresholds == 1
                ? p > args.Threshold
                : MathF.Max(MathF.Ceiling(Act.Clamp(p, 0f, 1f) * (thresholds - 1)) - 1f, 0f) >= i;
            bool actual = target[e] != 0f;
            if (actual)
            {
                if (predicted)
                    tp += w;
                else
                    fn += w;
            }
            else if (predicted)
                fp += w;
            else
                tn += w;
        }
        long at = (long)(int)index * 4;
        partials[at] = tp;
        partials[at + 1] = fp;
        partials[at + 2] = tn;
        partials[at + 3] = fn;
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
