using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// Fused optimizer updates over one flat parameter buffer: one launch updates every weight of a model.
/// gradScale[0] is a device-side factor (1, or a global-norm clip factor) so clipping needs no host copy;
/// clipValue &gt; 0 clips each gradient element first.
/// </summary>
public static class OptimizerKernels
{
    /// <summary>Keras SGD: v = momentum*v - lr*g; p += v, or p += momentum*v - lr*g with Nesterov.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdUpdate(Index1D index, int launched, int count, float learningRate, float momentum,
        int nesterov, float clipValue,
        ArrayView<float> param, ArrayView<float> grad, ArrayView<float> velocity, ArrayView<float> gradScale)
    {
        float scale = gradScale[0];
        for (int e = index; e < count; e += launched)
        {
            float g = Clip(grad[e] * scale, clipValue);
            if (momentum == 0f)
            {
                param[e] -= learningRate * g;
                continue;
            }
            float v = momentum * velocity[e] - learningRate * g;
            velocity[e] = v;
            param[e] += nesterov != 0 ? momentum * v - learningRate * g : v;
        }
    }

    /// <summary>Keras Adam: alpha = lr*sqrt(1-b2^t)/(1-b1^t); p -= alpha*m/(sqrt(v)+eps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AdamUpdate(Index1D index, int launched, int count, float alpha, float beta1, float beta2,
        float epsilon, float clipValue,
        ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, ArrayView<float> gradScale)
    {
        float scale = gradScale[0];
        for (int e = index; e < count; e += launched)
        {
            float g = Clip(grad[e] * scale, clipValue);
            float mNew = beta1 * m[e] + (1f - beta1) * g;
            float vNew = beta2 * v[e] + (1f - beta2) * g * g;
            m[e] = mNew;
            v[e] = vNew;
            param[e] -= alpha * mNew / (MathF.Sqrt(vNew) + epsilon);
        }
    }

    /// <summary>Keras RMSprop (no momentum, not centered): a = rho*a + (1-rho)*g^2; p -= lr*g/(sqrt(a)+eps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsPropUpdate(Index1D index, int launched, int count, float learningRate, float rho,
        float epsilon, float clipValue,
        ArrayView<float> param, ArrayView<float> grad, ArrayView<float> meanSquare, ArrayView<float> gradScale)
    {
        float scale = gradScale[0];
        for (int e = index; e < count; e += launched)
        {
            float g = Clip(grad[e] * scale, clipValue);
            float a = rho * meanSquare[e] + (1f - rho) * g * g;
            meanSquare[e] = a;
            param[e] -= learningRate * g / (MathF.Sqrt(a) + epsilon);
        }
    }

    /// <summary>scale[0] = min(1, maxNorm / sqrt(sum(partials))): the global-norm clip factor; one work item.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GlobalNormClipScale(Index1D index, int count, float maxNorm, ArrayView<float> partials, ArrayView<float> scale)
    {
        if (index != 0)
            return;
        float norm = MathF.Sqrt(ReductionKernels.SumInOrder(partials, count));
        scale[0] = norm > maxNorm ? maxNorm / norm : 1f;
    }

    /// <summary>x *= scale[0]: applies a per-tensor clip factor computed on the device (Keras clipnorm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleByDeviceScalar(Index1D index, int launched, int count, ArrayView<float> scale, ArrayView<float> x)
    {
        float s = scale[0];
        for (int e = index; e < count; e += launched)
            x[e] *= s;
    }

    private static float Clip(float g, float clipValue) =>
        clipValue > 0f ? Act.Clamp(g, -clipValue, clipValue) : g;
}
