namespace GpuLstm.Tests.Infrastructure;

/// <summary>Seeded random inputs.</summary>
public static class TestData
{
    public static float[] Uniform(int seed, int count, float scale = 1f)
    {
        var rng = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
            data[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return data;
    }

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);

    /// <summary>A device tensor holding data that records gradients (an op input under test).</summary>
    public static GpuLstm.Memory.Tensor Param(GpuLstm.Device.ComputeDevice device, float[] data, int[] shape, string name)
    {
        var t = GpuLstm.Memory.Tensor.FromArray(device, data, shape, name);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>
    /// Central finite difference of a double-precision reference function with respect to
    /// params[index], the other inputs held fixed.
    /// </summary>
    public static double CentralDifference(double[] values, int index, Func<double> f, double h = 1e-6)
    {
        double saved = values[index];
        values[index] = saved + h;
        double plus = f();
        values[index] = saved - h;
        double minus = f();
        values[index] = saved;
        return (plus - minus) / (2 * h);
    }

    /// <summary>Finite-difference gradient of f over every element of values.</summary>
    public static double[] Gradient(double[] values, Func<double> f)
    {
        var g = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            g[i] = CentralDifference(values, i, f);
        return g;
    }
}
