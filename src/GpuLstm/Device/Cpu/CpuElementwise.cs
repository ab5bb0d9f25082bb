using System.Runtime.Intrinsics;
using ILGPU;

namespace GpuLstm.Device.Cpu;

using View = ArrayView<float>;

/// <summary>
/// The CPU accelerator's host-thread implementations of ElementwiseKernels.Fill and Axpby (gradient
/// zeroing and accumulation, a few launches per step): the kernels' operations in their order, so
/// the results are bit-identical.
/// </summary>
internal static unsafe class CpuElementwise
{
    /// <summary>x = value.</summary>
    public static void Fill(int count, float value, View x) // [count]
    {
        float* p = CpuViews.Ptr(x);
        CpuParallel.Range(count, (first, end) => new Span<float>(p + first, (int)(end - first)).Fill(value));
    }

    /// <summary>y = alpha * x + beta * y (beta 0: y = alpha * x, y not read); x may be y.</summary>
    public static void Axpby(int count, float alpha, float beta, View x, View y) // [count] each
    {
        float* px = CpuViews.Ptr(x), py = CpuViews.Ptr(y);
        CpuParallel.Range(count, (first, end) => Axpby(px, py, first, end, alpha, beta));
    }

    private static void Axpby(float* x, float* y, long first, long end, float alpha, float beta)
    {
        var a = Vector256.Create(alpha);
        var b = Vector256.Create(beta);
        long e = first;
        if (beta == 0f)
        {
            for (; e + 8 <= end; e += 8)
                (a * Vector256.Load(x + e)).Store(y + e);
            for (; e < end; e++)
                y[e] = alpha * x[e];
            return;
        }
        for (; e + 8 <= end; e += 8)
            (a * Vector256.Load(x + e) + b * Vector256.Load(y + e)).Store(y + e);
        for (; e < end; e++)
            y[e] = alpha * x[e] + beta * y[e];
    }
}
