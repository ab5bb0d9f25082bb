using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuLstm.Device.Cpu;

/// <summary>
/// exp, sigmoid and tanh on 8 floats at once for the CPU pointwise implementations: the math of
/// GpuLstm.Kernels' Act (tanh(x) = 2 sigmoid(2x) - 1) with a float-only exp instead of MathF.Exp.
/// </summary>
internal static class VectorMath
{
    // exp(x) = 2^n * e^r, n = round(x / ln 2), |r| <= ln2 / 2; ln 2 split in two so n * ln 2 loses no bits.
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    // Inputs clamped so 2^n stays a normal float (n in [-126, 127]); beyond, exp's float result
    // is 0 or inf anyway, and sigmoid/tanh have reached 0, 1 or -1 to float precision.
    private const float ExpMin = -87f;
    private const float ExpMax = 88f;

    // Adding 1.5 * 2^23 rounds to an integer and leaves that integer in the low mantissa bits.
    private const float RoundMagic = 12582912f;

    /// <summary>e^x within 1 ulp of the exact value (measured; Cephes expf polynomial); NaN stays NaN, large |x| saturates to e^-87 or e^88.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = ClampKeepNaN(x, ExpMin, ExpMax);
        var t = Fma(x, Vector256.Create(Log2E), Vector256.Create(RoundMagic));
        var n = t - Vector256.Create(RoundMagic);
        var r = Fma(n, Vector256.Create(-Ln2Hi), x);
        r = Fma(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Fma(p, r, Vector256.Create(1.3981999507e-3f));
        p = Fma(p, r, Vector256.Create(8.3334519073e-3f));
        p = Fma(p, r, Vector256.Create(4.1665795894e-2f));
        p = Fma(p, r, Vector256.Create(1.6666665459e-1f));
        p = Fma(p, r, Vector256.Create(5.0000001201e-1f));
        var y = Fma(p, r * r, r) + Vector256<float>.One;
        // 2^n from the integer in t's low bits: shifting by 23 drops the magic's own exponent bits.
        var pow2n = ((t.AsInt32() + Vector256.Create(127)) << 23).AsSingle();
        return y * pow2n;
    }

    /// <summary>1 / (1 + e^-x): 0 and 1 at the far ends without overflow, NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>2 sigmoid(2x) - 1, as the kernels compute it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var two = Vector256.Create(2f);
        return two / (Vector256<float>.One + Exp(-(x + x))) - Vector256<float>.One;
    }

    /// <summary>a * b + c, fused where the CPU has FMA (one rounding), else multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Vector256.MultiplyAddEstimate(a, b, c);

    /// <summary>
    /// min(hi, max(lo, x)) that keeps NaN: AVX's max/min return their second operand when either is
    /// NaN, so x goes second; without AVX the IEEE Min/Max propagate NaN themselves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ClampKeepNaN(Vector256<float> x, float lo, float hi) => Avx.IsSupported
        ? Avx.Min(Vector256.Create(hi), Avx.Max(Vector256.Create(lo), x))
        : Vector256.Min(Vector256.Create(hi), Vector256.Max(Vector256.Create(lo), x));

    /// <summary>Clamp(x, lo, hi) of the kernels: x &lt; lo ? lo : x &gt; hi ? hi : x (NaN passes through).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ClampLikeKernels(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, lo), lo, Vector256.ConditionalSelect(Vector256.GreaterThan(x, hi), hi, x));
}
