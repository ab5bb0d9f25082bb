using System.Globalization;

namespace GpuLstm.Tests.Infrastructure;

/// <summary>Float comparisons with absolute + relative tolerance that report the worst element.</summary>
public static class Compare
{
    public static void Close(string what, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual,
        double absTol = 1e-4, double relTol = 1e-3)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}.");
        int worst = -1;
        double worstExcess = double.NegativeInfinity;
        for (int i = 0; i < expected.Length; i++)
        {
            double allowed = absTol + relTol * Math.Abs(expected[i]);
            double excess = double.IsNaN(actual[i]) ? double.PositiveInfinity : Math.Abs(actual[i] - expected[i]) - allowed;
            if (excess > worstExcess)
            {
                worstExcess = excess;
                worst = i;
            }
        }
        if (worst >= 0 && worstExcess > 0)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{what}: worst element [{worst}] = {actual[worst]:G9}, expected {expected[worst]:G9} (|diff| {Math.Abs(actual[worst] - expected[worst]):G3} > abs {absTol:G2} + rel {relTol:G2})."));
        }
    }

    public static void Close(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual,
        double absTol = 1e-4, double relTol = 1e-3)
    {
        var e = new double[expected.Length];
        for (int i = 0; i < e.Length; i++)
            e[i] = expected[i];
        Close(what, e, actual, absTol, relTol);
    }
}
