using GpuLstm.Memory;

namespace GpuLstm.Optimizers;

/// <summary>Adam with Keras defaults (lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7).</summary>
public class Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
    : Optimizer(learningRate)
{
    public float Beta1 { get; } = beta1;
    public float Beta2 { get; } = beta2;
    public float Epsilon { get; } = epsilon;

    protected override void Update(ParameterSet parameters, Tensor gradScale)
    {
        var device = parameters.Device;
        var m = State("m", parameters);
        var v = State("v", parameters);
        // Bias correction folded into the step size on the host: a kernel argument, not a transfer.
        double t = Iterations;
        float alpha = (float)(LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t)));
        int threads = device.Threads(parameters.Count);
        device.Kernels.Adam(threads, threads, (int)parameters.Count, alpha, Beta1, Beta2, Epsilon, ClipValue,
            parameters.Values.View, parameters.Grads.View, m.View, v.View, gradScale.View);
    }

    internal override Dictionary<string, double> Config() => new()
    {
        ["learning_rate"] = LearningRate, ["beta_1"] = Beta1, ["beta_2"] = Beta2, ["epsilon"] = Epsilon,
    };
}
