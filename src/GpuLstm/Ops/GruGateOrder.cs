namespace GpuLstm.Ops;

/// <summary>
/// Gate order of every GRU weight and activation buffer: z, r, h (update, reset, candidate), the
/// order of Keras. PyTorch's nn.GRU stacks r, z, n instead; converters map it onto ours.
/// </summary>
public static class GruGateOrder
{
    public const string Order = "zrh";
    public const int Update = 0, Reset = 1, Candidate = 2;

    /// <summary>Keras gate g comes from PyTorch block FromPyTorch[g] (PyTorch: r = 0, z = 1, n = 2).</summary>
    private static readonly int[] FromPyTorch = [1, 0, 2];

    /// <summary>PyTorch weight_ih [3H, In] (or weight_hh [3H, H]) to Keras kernel [In, 3H]: transposed, gates reordered.</summary>
    public static float[] FromPyTorchWeight(ReadOnlySpan<float> weight, int hidden, int inFeatures)
    {
        int threeH = 3 * hidden;
        if (weight.Length != threeH * inFeatures)
            throw new ArgumentException($"PyTorch GRU weight: {weight.Length} values, expected [{threeH}, {inFeatures}].");
        var result = new float[weight.Length];
        for (int g = 0; g < 3; g++)
            for (int j = 0; j < hidden; j++)
            {
                int torchRow = FromPyTorch[g] * hidden + j, column = g * hidden + j;
                for (int i = 0; i < inFeatures; i++)
                    result[i * threeH + column] = weight[torchRow * inFeatures + i];
            }
        return result;
    }

    /// <summary>PyTorch bias_ih and bias_hh [3H] each to the Keras reset_after bias [2, 3H] (input row, recurrent row).</summary>
    public static float[] FromPyTorchBiases(ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, int hidden)
    {
        int threeH = 3 * hidden;
        if (biasIh.Length != threeH || biasHh.Length != threeH)
            throw new ArgumentException($"PyTorch GRU biases: {biasIh.Length} and {biasHh.Length} values, expected [{threeH}] each.");
        var result = new float[2 * threeH];
        for (int g = 0; g < 3; g++)
            for (int j = 0; j < hidden; j++)
            {
                result[g * hidden + j] = biasIh[FromPyTorch[g] * hidden + j];
                result[threeH + g * hidden + j] = biasHh[FromPyTorch[g] * hidden + j];
            }
        return result;
    }
}
