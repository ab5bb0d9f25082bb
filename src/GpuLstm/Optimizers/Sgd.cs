using GpuLstm.Memory;

namespace GpuLstm.Optimizers;

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum, Keras semantics.</summary>
public sealed class Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false) : Optimizer(learningRate)
{
    public float Momentum { get; } = momentum >= 0f && momentum < 1f
        ? momentum
        : throw new ArgumentException($"Sgd: momentum must be in [0, 1), got {momentum}.");

    public bool Nesterov { get; } = nesterov;

    protected override void Update(ParameterSet parameters, Tensor gradScale)
    {
        var device = parameters.Device;
        var velocity = Momentum > 0f ? State("velocity", parameters) : parameters.Grads;
        int threads = device.Threads(parameters.Count);
        device.Kernels.Sgd(threads, threads, (int)parameters.Count, LearningRate, Momentum, Nesterov ? 1 : 0, ClipValue,
            parameters.Values.View, parameters.Grads.View, velocity.View, gradScale.View);
    }

    internal override Dictionary<string, double> Config() => new()
    {
        ["learning_rate"] = LearningRate, ["momentum"] = Momentum, ["nesterov"] = Nesterov ? 1 : 0,
    };
}
