namespace GpuLstm.Layers;

/// <summary>Keras's weight initializers, computed on the host once at build time from a seeded generator.</summary>
public static class Initializers
{
    /// <summary>U(-l, l) with l = sqrt(6 / (fanIn + fanOut)).</summary>
    public static float[] GlorotUniform(Random rng, int fanIn, int fanOut)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        var w = new float[fanIn * fanOut];
        for (int i = 0; i < w.Length; i++)
            w[i] = (float)((rng.NextDouble() * 2 - 1) * limit);
        return w;
    }

    /// <summary>A [rows, cols] matrix with orthonormal rows or columns (Gram-Schmidt on a Gaussian draw).</summary>
    public static float[] Orthogonal(Random rng, int rows, int cols, double gain = 1.0)
    {
        // Orthonormalise the longer side's vectors: work on the transposed problem when rows > cols.
        bool transpose = rows > cols;
        int n = transpose ? cols : rows, m = transpose ? rows : cols; // n vectors of length m, n <= m
        var v = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                v[i, j] = Gaussian(rng);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < i; k++)
            {
                double dot = 0;
                for (int j = 0; j < m; j++)
                    dot += v[i, j] * v[k, j];
                for (int j = 0; j < m; j++)
                    v[i, j] -= dot * v[k, j];
            }
            double norm = 0;
            for (int j = 0; j < m; j++)
                norm += v[i, j] * v[i, j];
            norm = Math.Sqrt(norm);
            for (int j = 0; j < m; j++)
                v[i, j] /= norm;
        }
        var w = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                w[r * cols + c] = (float)(gain * (transpose ? v[c, r] : v[r, c]));
        return w;
    }

    /// <summary>LSTM bias [4H]: zeros, with the forget gate's block set to 1 (Keras unit_forget_bias).</summary>
    public static float[] LstmBias(int units, bool unitForgetBias)
    {
        var b = new float[4 * units];
        if (unitForgetBias)
            Array.Fill(b, 1f, units, units);
        return b;
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
