using GpuLstm.Memory;

namespace GpuLstm.Optimizers;

/// <summary>RMSprop with Keras defaults (lr 0.001, rho 0.9, epsilon 1e-7), no momentum, not centered.</summary>
public sealed class RmsProp(float learningRate = 0.001f, float rho = 0.9f, float epsilon = 1e-7f) : Optimizer(learningRate)
{
    public float Rho { get; } = rho;
    public float Epsilon { get; } = epsilon;

    protected override void Update(ParameterSet parameters, Tensor gradScale)
    {
        var device = parameters.Device;
        var meanSquare = State("mean_square", parameters);
        int threads = device.Threads(parameters.Count);
        device.Kernels.RmsProp(threads, threads, (int)parameters.Count, LearningRate, Rho, Epsilon, ClipValue,
            parameters.Values.View, parameters.Grads.View, meanSquare.View, gradScale.View);
    }

    internal override Dictionary<string, double> Config() => new()
    {
        ["learning_rate"] = LearningRate, ["rho"] = Rho, ["epsilon"] = Epsilon,
    };
}
