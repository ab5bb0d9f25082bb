using GpuLstm.Kernels;

namespace GpuLstm.Layers;

/// <summary>Keras activation names to kernel activation codes.</summary>
public static class Activations
{
    /// <summary>
    /// Softmax over the last axis: a layer-level code (not a kernel's elementwise activation), so
    /// only layers that allow it (Dense) accept it.
    /// </summary>
    public const int Softmax = -1;

    public static int Parse(string? name, string layer, bool allowSoftmax = false) => (name ?? "linear").ToLowerInvariant() switch
    {
        "softmax" when allowSoftmax => Softmax,
        "softmax" => throw new ArgumentException(
            $"{layer}: activation 'softmax' works over a whole row and is not available here; expected linear, sigmoid, tanh, relu or hard_sigmoid."),
        "linear" or "none" or "" => ActivationCode.Linear,
        "sigmoid" => ActivationCode.Sigmoid,
        "tanh" => ActivationCode.Tanh,
        "relu" => ActivationCode.Relu,
        "hard_sigmoid" => ActivationCode.HardSigmoid,
        _ => throw new ArgumentException(
            $"{layer}: unknown activation '{name}'; expected linear, sigmoid, tanh, relu, hard_sigmoid{(allowSoftmax ? " or softmax" : "")}."),
    };

    public static string Name(int code) => code switch
    {
        ActivationCode.Sigmoid => "sigmoid",
        ActivationCode.Tanh => "tanh",
        ActivationCode.Relu => "relu",
        ActivationCode.HardSigmoid => "hard_sigmoid",
        ActivationCode.Linear => "linear",
        Softmax => "softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "unknown activation code"),
    };
}
