using System.Globalization;
using System.Runtime.Intrinsics;
using GpuLstm.Device.Cpu;

namespace GpuLstm.Tests.Device;

/// <summary>
/// The CPU pointwise implementations' vectorised exp, sigmoid and tanh against double-precision
/// math: accuracy in ulp over exp's float range (measured: 0.99 ulp; 2 allowed for CPUs without FMA),
/// saturation at large |x| and NaN propagation.
/// </summary>
public sealed class VectorMathTests
{
    [Fact]
    public void ExpIsWithinTwoUlpOverTheFloatRange()
    {
        var (worstX, worstUlp) = Sweep(-87f, 88f, 1 << 20, VectorMath.Exp, Math.Exp, ulp: true);
        Assert.True(worstUlp <= 2, string.Create(CultureInfo.InvariantCulture, $"exp: worst {worstUlp} ulp at x = {worstX:G9}"));
    }

    [Fact]
    public void SigmoidAndTanhAreWithinFloatRoundingOfTheExactValues()
    {
        var (sx, sErr) = Sweep(-40f, 40f, 1 << 18, VectorMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), ulp: false);
        Assert.True(sErr <= 1.5e-7, string.Create(CultureInfo.InvariantCulture, $"sigmoid: worst |error| {sErr:G3} at x = {sx:G9}"));
        var (tx, tErr) = Sweep(-20f, 20f, 1 << 18, VectorMath.Tanh, Math.Tanh, ulp: false);
        Assert.True(tErr <= 2.5e-7, string.Create(CultureInfo.InvariantCulture, $"tanh: worst |error| {tErr:G3} at x = {tx:G9}"));
    }

    [Fact]
    public void LargeInputsSaturateAndNaNPropagates()
    {
        var x = Vector256.Create(100f, -100f, 1e30f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, 30f, -30f);
        var s = VectorMath.Sigmoid(x);
        var t = VectorMath.Tanh(x);
        var e = VectorMath.Exp(x);
        float[] sigmoid = [1f, 0f, 1f, 0f, 1f, float.NaN, 1f, 9.357623e-14f];
        float[] tanh = [1f, -1f, 1f, -1f, 1f, float.NaN, 1f, -1f];
        for (int i = 0; i < 8; i++)
        {
            AssertClose("sigmoid", x[i], sigmoid[i], s[i], 1e-37);
            AssertClose("tanh", x[i], tanh[i], t[i], 0);
        }
        Assert.True(float.IsNaN(e[5]), "exp(NaN) must be NaN");
        Assert.Equal(MathF.Exp(88f), e[0], 1e31f);          // clamped at e^88, finite
        Assert.True(e[1] > 0f && e[1] < 1e-37f, $"exp(-100) = {e[1]}");
    }

    private static void AssertClose(string what, float x, float expected, float actual, double tolerance)
    {
        bool ok = float.IsNaN(expected) ? float.IsNaN(actual) : Math.Abs(actual - expected) <= tolerance + 1e-6 * Math.Abs(expected);
        Assert.True(ok, string.Create(CultureInfo.InvariantCulture, $"{what}({x:G9}) = {actual:G9}, expected {expected:G9}"));
    }

    /// <summary>Worst error of f against the double reference over n points in [lo, hi]: in ulp of the float result, or absolute.</summary>
    private static (float X, double Error) Sweep(float lo, float hi, int n, Func<Vector256<float>, Vector256<float>> f, Func<double, double> exact, bool ulp)
    {
        float worstX = 0f;
        double worst = 0;
        Span<float> xs = stackalloc float[8];
        for (int i = 0; i < n; i += 8)
        {
            for (int k = 0; k < 8; k++)
                xs[k] = lo + (hi - lo) * (float)((double)(i + k) / (n - 1));
            var y = f(Vector256.Create<float>(xs));
            for (int k = 0; k < 8; k++)
            {
                double want = exact(xs[k]);
                double err = ulp
                    ? Math.Abs(y[k] - want) / Math.Max(float.Epsilon, MathF.BitIncrement((float)want) - (float)want)
                    : Math.Abs(y[k] - want);
                if (err > worst)
                    (worst, worstX) = (err, xs[k]);
            }
        }
        return (worstX, worst);
    }
}
