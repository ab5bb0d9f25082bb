using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// Losses fused with their gradients: one pass writes d(loss)/d(pred) scaled by GradScale (1/N for a
/// mean) and each work item's partial sum of weighted loss terms; <see cref="ReductionKernels.SumToScalar"/>
/// finishes the mean. Every term is weighted by <see cref="StepWeights"/> (sample weights, mask), and
/// the mean stays over all terms (Keras "sum_over_batch_size"); with a mask the weights carry total/valid.
/// </summary>
public static class LossKernels
{
    /// <summary>Keras clips probabilities to [eps, 1 - eps] before taking logs.</summary>
    public const float Epsilon = 1e-7f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BinaryCrossEntropy(Index1D index, int launched, LossArgs args,
        ArrayView<float> pred,      // [N] probabilities, or logits when FromLogits
        ArrayView<float> target,    // [N] in [0, 1]
        ArrayView<float> weights,   // [B] or [B, T] sample weights (HasWeights)
        ArrayView<float> mask,      // [B, T] (HasMask)
        ArrayView<float> valid,     // [1] sum of the mask (HasMask)
        ArrayView<float> grad,      // [N]
        ArrayView<float> partials)  // [launched]
    {
        float maskScale = Weighting.MaskScale(args.Weights, valid);
        float sum = 0f;
        for (int e = index; e < args.Count; e += launched)
        {
            float w = Weighting.At(args.Weights, e, maskScale, weights, mask);
            float y = target[e];
            float x = pred[e];
            if (args.FromLogits != 0)
            {
                // max(x,0) - x*y + log(1 + exp(-|x|)) never overflows.
                sum += w * (MathF.Max(x, 0f) - x * y + MathF.Log(1f + MathF.Exp(-MathF.Abs(x))));
                grad[e] = args.GradScale * w * (Act.Sigmoid(x) - y);
            }
            else
            {
                float p = Act.Clamp(x, Epsilon, 1f - Epsilon);
                sum -= w * (y * MathF.Log(p) + (1f - y) * MathF.Log(1f - p));
                bool clipped = x < Epsilon || x > 1f - Epsilon;
                grad[e] = clipped ? 0f : args.GradScale * w * (p - y) / (p * (1f - p));
            }
        }
        partials[index] = sum;
    }

    /// <summary>
    /// Row-wise categorical cross-entropy over [rows, classes]. Sparse targets are class indices [rows];
    /// dense ones are distributions [rows, classes]. From logits it is softmax cross-entropy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CategoricalCrossEntropy(Index1D index, int launched, LossArgs args,
        ArrayView<float> pred,      // [rows, classes]
        ArrayView<float> target,    // [rows] or [rows, classes]
        ArrayView<float> weights,   // [B] or [B, T] sample weights (HasWeights)
        ArrayView<float> mask,      // [B, T] (HasMask)
        ArrayView<float> valid,     // [1] sum of the mask (HasMask)
        ArrayView<float> grad,      // [rows, classes]
        ArrayView<float> partials)  // [launched]
    {
        float maskScale = Weighting.MaskScale(args.Weights, valid);
        int classes = args.Classes, sparse = args.Sparse;
        float sum = 0f;
        for (int r = index; r < args.Count; r += launched)
        {
            long row = (long)r * classes;
            float w = Weighting.At(args.Weights, row, maskScale, weights, mask);
            float gradScale = args.GradScale * w;
            int label = sparse != 0 ? (int)target[r] : -1;
            if (args.FromLogits != 0)
            {
                float max = pred[row];
                for (int k = 1; k < classes; k++)
                    max = MathF.Max(max, pred[row + k]);
                float z = 0f;
                for (int k = 0; k < classes; k++)
                    z += MathF.Exp(pred[row + k] - max);
                float logZ = MathF.Log(z) + max;
                for (int k = 0; k < classes; k++)
                {
                    float y = sparse != 0 ? (k == label ? 1f : 0f) : target[row + k];
                    float logP = pred[row + k] - logZ;
                    sum -= y == 0f ? 0f : w * y * logP;
                    grad[row + k] = gradScale * (MathF.Exp(logP) - y);
                }
            }
            else
            {
                float total = 0f, totalY = 0f;
                for (int k = 0; k < classes; k++)
                {
                    total += pred[row + k];
                    totalY += sparse != 0 ? (k == label ? 1f : 0f) : target[row + k];
                }
                for (int k = 0; k < classes; k++)
                {
                    float y = sparse != 0 ? (k == label ? 1f : 0f) : target[row + k];
                    float q = pred[row + k] / total;
                    float p = Act.Clamp(q, Epsilon, 1f - Epsilon);
                    sum -= w * y * MathF.Log(p);
                    // d/dp_k of -sum_j y_j log(p_j / total): the normalisation couples the classes.
                    float direct = q < Epsilon || q > 1f - Epsilon ? 0f : -y / (p * total);
                    grad[row + k] = gradScale * (direct + totalY / total);
                }
            }
        }
        partials[index] = sum;
    }

    /// <summary>kind 0: squared error, kind 1: absolute error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RegressionLoss(Index1D index, int launched, LossArgs args,
        ArrayView<float> pred,      // [N]
        ArrayView<float> target,    // [N]
        ArrayView<float> weights,   // [B] or [B, T] sample weights (HasWeights)
        ArrayView<float> mask,      // [B, T] (HasMask)
        ArrayView<float> valid,     // [1] sum of the mask (HasMask)
        ArrayView<float> grad,      // [N]
        ArrayView<float> partials)  // [launched]
    {
        float maskScale = Weighting.MaskScale(args.Weights, valid);
        float sum = 0f;
        for (int e = index; e < args.Count; e += launched)
        {
            float w = Weighting.At(args.Weights, e, maskScale, weights, mask);
            float d = pred[e] - target[e];
            if (args.Kind == 0)
            {
                sum += w * d * d;
                grad[e] = args.GradScale * w * 2f * d;
            }
            else
            {
                sum += w * MathF.Abs(d);
                grad[e] = args.GradScale * w * (d > 0f ? 1f : d < 0f ? -1f : 0f);
            }
        }
        partials[index] = sum;
    }
}
