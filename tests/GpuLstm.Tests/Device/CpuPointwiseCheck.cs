using System.Globalization;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Device;

/// <summary>
/// Helpers for holding a CPU implementation (Device/Cpu) against its ILGPU kernel: inputs with the
/// awkward values the SIMD math must survive, and comparisons that require NaNs where the kernel
/// has them and abs + rel closeness elsewhere.
/// </summary>
internal static class CpuPointwiseCheck
{
    /// <summary>Values the vectorised exp must saturate or propagate like MathF.Exp does.</summary>
    private static readonly float[] Specials = [30f, -30f, 100f, -100f, float.NaN, 88.5f, -87.5f, float.PositiveInfinity, float.NegativeInfinity];

    /// <summary>Uniform in [-scale, scale] with every special value at spread positions (when there is room for them).</summary>
    public static float[] WithSpecials(int seed, int count, float scale, bool specials = true)
    {
        var data = TestData.Uniform(seed, count, scale);
        if (!specials || count < 4 * Specials.Length)
            return data;
        for (int k = 0; k < Specials.Length; k++)
            data[(int)((long)count * (2 * k + 1) / (2 * Specials.Length))] = Specials[k];
        return data;
    }

    /// <summary>A copy of data on device per side, so kernel and CPU implementation each get their own.</summary>
    public static (Tensor Kernel, Tensor Cpu) Pair(ComputeDevice device, float[] data, string name) =>
        (Tensor.FromArray(device, data, [data.Length], name + ".kernel"), Tensor.FromArray(device, data, [data.Length], name + ".cpu"));

    /// <summary>NaN exactly where the kernel has NaN (and the same infinities), then abs + rel closeness on the rest.</summary>
    public static void Close(string what, Tensor kernel, Tensor cpu, double absTol = 1e-6, double relTol = 1e-5)
    {
        var expected = kernel.ToArray();
        var actual = cpu.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        var e = new double[expected.Length];
        var a = new float[actual.Length];
        for (int i = 0; i < expected.Length; i++)
        {
            bool special = !float.IsFinite(expected[i]) || !float.IsFinite(actual[i]);
            if (special && !SameSpecial(expected[i], actual[i]))
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: element [{i}] = {actual[i]:G9}, the kernel has {expected[i]:G9}."));
            e[i] = special ? 0 : expected[i];
            a[i] = special ? 0f : actual[i];
        }
        Compare.Close(what, e, a, absTol, relTol);
    }

    /// <summary>Bit-for-bit equal to the kernel (the math is the same: copies, zeros, the same operations in the same order).</summary>
    public static void Exact(string what, Tensor kernel, Tensor cpu, int start = 0, int length = -1)
    {
        var expected = kernel.ToArray();
        var actual = cpu.ToArray();
        if (length < 0)
            length = expected.Length - start;
        for (int i = start; i < start + length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]) && !(float.IsNaN(expected[i]) && float.IsNaN(actual[i])))
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: element [{i}] = {actual[i]:G9}, the kernel has {expected[i]:G9} (expected bit-identical)."));
        }
    }

    private static bool SameSpecial(float expected, float actual) =>
        float.IsNaN(expected) ? float.IsNaN(actual) : expected == actual;
}
