namespace GpuLstm.Tests.Infrastructure;

/// <summary>Analytic device gradients against central finite differences of a double reference.</summary>
public static class GradCheck
{
    /// <param name="samples">0 checks every element; otherwise that many seeded random elements.</param>
    public static void AgainstFiniteDifferences(string what, double[] values, float[] analytic, Func<double> loss,
        int samples = 0, int seed = 0, double absTol = 2e-3, double relTol = 1e-2)
    {
        Assert.Equal(values.Length, analytic.Length);
        int[] indices = samples <= 0 || samples >= values.Length
            ? Enumerable.Range(0, values.Length).ToArray()
            : Enumerable.Range(0, samples).Select(_ => 0).Select((_, i) => new Random(seed * 7919 + i).Next(values.Length)).ToArray();
        var expected = new double[indices.Length];
        var actual = new float[indices.Length];
        for (int n = 0; n < indices.Length; n++)
        {
            expected[n] = TestData.CentralDifference(values, indices[n], loss);
            actual[n] = analytic[indices[n]];
        }
        Compare.Close($"d(loss)/d({what})", expected, actual, absTol, relTol);
    }
}
