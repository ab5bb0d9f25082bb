using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// Losses fused with their gradients: one pass writes d(loss)/d(pred) scaled by gradScale (1/N for a
/// mean) and each work item's partial loss sum; <see cref="ReductionKernels.SumToScalar"/> finishes the mean.
/// </summary>
public static class LossKernels
{
    /// <summary>Keras clips probabilities to [eps, 1 - eps] before taking logs.</summary>
    public const float Epsilon = 1e-7f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BinaryCrossEntropy(Index1D index, int launched, int count, int fromLogits, float gradScale,
        ArrayView<float> pred,      // [N] probabilities, or logits when fromLogits
        ArrayView<float> target,    // [N] in [0, 1]
        ArrayView<float> grad,      // [N]
        ArrayView<float> partials)  // [launched]
    {
        float sum = 0f;
        for (int e = index; e < count; e += launched)
        {
            float y = target[e];
            float x = pred[e];
            if (fromLogits != 0)
            {
                // max(x,0) - x*y + log(1 + exp(-|x|)) never overflows.
                sum += MathF.Max(x, 0f) - x * y + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));
                grad[e] = gradScale * (Act.Sigmoid(x) - y);
            }
            else
            {
                float p = Act.Clamp(x, Epsilon, 1f - Epsilon);
                sum -= y * MathF.Log(p) + (1f - y) * MathF.Log(1f - p);
                bool clipped = x < Epsilon || x > 1f - Epsilon;
                grad[e] = clipped ? 0f : gradScale * (p - y) / (p * (1f - p));
            }
        }
        partials[index] = sum;
    }

    /// <summary>
    /// Row-wise categorical cross-entropy over [rows, classes]. Sparse targets are class indices [rows];
    /// dense ones are distributions [rows, classes]. From logits it is softmax cross-entropy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CategoricalCrossEntropy(Index1D index, int launched, int rows, int classes, int sparse,
        int fromLogits, float gradScale,
        ArrayView<float> pred,      // [rows, classes]
        ArrayView<float> target,    // [rows] or [rows, classes]
        ArrayView<float> grad,      // [rows, classes]
        ArrayView<float> partials)  // [launched]
    {
        float sum = 0f;
        for (int r = index; r < rows; r += launched)
        {
            long row = (long)r * classes;
            int label = sparse != 0 ? (int)target[r] : -1;
            if (fromLogits != 0)
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
                    sum -= y == 0f ? 0f : y * logP;
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
                    sum -= y * MathF.Log(p);
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
    public static void RegressionLoss(Index1D index, int launched, int count, int kind, float gradScale,
        ArrayView<float> pred, ArrayView<float> target, ArrayView<float> grad, ArrayView<float> partials)
    {
        float sum = 0f;
        for (int e = index; e < count; e += launched)
        {
            float d = pred[e] - target[e];
            if (kind == 0)
            {
                sum += d * d;
                grad[e] = gradScale * 2f * d;
            }
            else
            {
                sum += MathF.Abs(d);
                grad[e] = gradScale * (d > 0f ? 1f : d < 0f ? -1f : 0f);
            }
        }
        partials[index] = sum;
    }
}
