namespace GpuLstm.Ops;

/// <summary>
/// Gate order of every LSTM weight and activation buffer: i, f, g, o (input, forget, cell candidate,
/// output), the order of Keras and PyTorch. Converters map other layouts onto it.
/// </summary>
public static class LstmGateOrder
{
    public const string Order = "ifgo";
    public const int Input = 0, Forget = 1, Cell = 2, Output = 3;

    /// <summary>
    /// PyTorch stores weight_ih as [4H, In] (and nn.Linear weight as [Out, In]); GpuLstm, like Keras,
    /// as [In, 4H]: a transpose, with the same gate order.
    /// </summary>
    public static float[] FromPyTorchWeight(ReadOnlySpan<float> weight, int fourH, int inFeatures)
    {
        if (weight.Length != fourH * inFeatures)
            throw new ArgumentException($"PyTorch weight: {weight.Length} values, expected [{fourH}, {inFeatures}].");
        var result = new float[weight.Length];
        for (int g = 0; g < fourH; g++)
            for (int i = 0; i < inFeatures; i++)
                result[i * fourH + g] = weight[g * inFeatures + i];
        return result;
    }
}
