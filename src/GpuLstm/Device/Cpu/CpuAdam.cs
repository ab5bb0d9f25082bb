using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ILGPU;

namespace GpuLstm.Device.Cpu;

using View = ArrayView<float>;

/// <summary>
/// The CPU accelerator's host-thread implementation of OptimizerKernels.AdamUpdate: the kernel's
/// operations in the kernel's order, 8 parameters at a time, so the results are bit-identical.
/// </summary>
internal static unsafe class CpuAdam
{
    public static void Update(int count, float alpha, float beta1, float beta2, float epsilon, float clipValue,
        View param, View grad, View m, View v, View gradScale) // [count] each; gradScale [1]
    {
        var s = new State
        {
            Alpha = alpha, Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, ClipValue = clipValue,
            Scale = CpuViews.Ptr(gradScale)[0],
            Param = CpuViews.Ptr(param), Grad = CpuViews.Ptr(grad), M = CpuViews.Ptr(m), V = CpuViews.Ptr(v),
        };
        CpuParallel.Range(count, (first, end) => s.Run(first, end));
    }

    private struct State
    {
        public float Alpha, Beta1, Beta2, Epsilon, ClipValue, Scale;
        public float* Param, Grad, M, V;

        public readonly void Run(long first, long end)
        {
            float oneMinusBeta1 = 1f - Beta1, oneMinusBeta2 = 1f - Beta2;
            var alpha = Vector256.Create(Alpha);
            var beta1 = Vector256.Create(Beta1);
            var beta2 = Vector256.Create(Beta2);
            var rest1 = Vector256.Create(oneMinusBeta1);
            var rest2 = Vector256.Create(oneMinusBeta2);
            var epsilon = Vector256.Create(Epsilon);
            var scale = Vector256.Create(Scale);
            var hi = Vector256.Create(ClipValue);
            var lo = -hi;
            bool clip = ClipValue > 0f;
            long e = first;
            for (; e + 8 <= end; e += 8)
            {
                var g = Vector256.Load(Grad + e) * scale;
                if (clip)
                    g = VectorMath.ClampLikeKernels(g, lo, hi);
                var mNew = beta1 * Vector256.Load(M + e) + rest1 * g;
                var vNew = beta2 * Vector256.Load(V + e) + rest2 * g * g;
                mNew.Store(M + e);
                vNew.Store(V + e);
                (Vector256.Load(Param + e) - alpha * mNew / (Vector256.Sqrt(vNew) + epsilon)).Store(Param + e);
            }
            for (; e < end; e++)
            {
                float g = Grad[e] * Scale;
                if (clip)
                    g = g < -ClipValue ? -ClipValue : g > ClipValue ? ClipValue : g;
                float mNew = Beta1 * M[e] + oneMinusBeta1 * g;
                float vNew = Beta2 * V[e] + oneMinusBeta2 * g * g;
                M[e] = mNew;
                V[e] = vNew;
                Param[e] -= Alpha * mNew / (MathF.Sqrt(vNew) + Epsilon);
            }
        }
    }
}
