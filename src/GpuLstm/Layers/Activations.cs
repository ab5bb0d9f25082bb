using GpuLstm.Kernels;

namespace GpuLstm.Layers;

/// <summary>Keras activation names to kernel activation codes.</summary>
public static class Activations
{
    public static int Parse(string? name, string layer) => (name ?? "linear").ToLowerInvariant() switch
    {
        "linear" or "none" or "" => ActivationCode.Linear,
        "sigmoid" => ActivationCode.Sigmoid,
        "tanh" => ActivationCode.Tanh,
        "relu" => ActivationCode.Relu,
        "hard_sigmoid" => ActivationCode.HardSigmoid,
        _ => throw new ArgumentException(
            $"{layer}: unknown activation '{name}'; expected linear, sigmoid, tanh, relu or hard_sigmoid."),
    };

    public static string Name(int code) => code switch
    {
        ActivationCode.Sigmoid => "sigmoid",
        ActivationCode.Tanh => "tanh",
        ActivationCode.Relu => "relu",
        ActivationCode.HardSigmoid => "hard_sigmoid",
        ActivationCode.Linear => "linear",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "unknown activation code"),
    };
}
