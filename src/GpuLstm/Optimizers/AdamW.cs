using GpuLstm.Memory;

namespace GpuLstm.Optimizers;

/// <summary>
/// Keras AdamW (defaults lr 0.001, weight_decay 0.004): before each Adam step every weight shrinks by
/// <c>learning_rate * weight_decay</c> of itself, decoupled from the gradient (one extra launch).
/// </summary>
public sealed class AdamW(float learningRate = 0.001f, float weightDecay = 0.004f, float beta1 = 0.9f, float beta2 = 0.999f,
    float epsilon = 1e-7f) : Adam(learningRate, beta1, beta2, epsilon)
{
    public float WeightDecay { get; } = weightDecay >= 0f && float.IsFinite(weightDecay)
        ? weightDecay
        : throw new ArgumentException($"AdamW: weightDecay must be finite and >= 0, got {weightDecay}.");

    protected override void Update(ParameterSet parameters, Tensor gradScale)
    {
        var device = parameters.Device;
        var values = parameters.Values.View; // [count]
        int n = device.Threads(values.Length);
        // values = 0 * values + (1 - lr * wd) * values: Axpby in place (alpha 0 reads nothing that matters).
        device.Kernels.Axpby(n, n, (int)values.Length, 0f, 1f - LearningRate * WeightDecay, values, values);
        base.Update(parameters, gradScale);
    }

    internal override Dictionary<string, double> Config()
    {
        var config = base.Config();
        config["weight_decay"] = WeightDecay;
        return config;
    }
}
