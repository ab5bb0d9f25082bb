using GpuLstm.Kernels;

namespace GpuLstm.Tests.Reference;

/// <summary>Double-precision activations, the definitions the kernels are checked against.</summary>
public static class RefActivation
{
    public static double Apply(int code, double x) => code switch
    {
        ActivationCode.Sigmoid => 1 / (1 + Math.Exp(-x)),
        ActivationCode.Tanh => Math.Tanh(x),
        ActivationCode.Relu => Math.Max(x, 0),
        ActivationCode.HardSigmoid => Math.Clamp(x / 6 + 0.5, 0, 1), // Keras 3
        _ => x,
    };
}
