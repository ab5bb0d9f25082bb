using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>Activation codes shared by host and kernels (an int, so one kernel serves every activation).</summary>
public static class ActivationCode
{
    public const int Linear = 0;
    public const int Sigmoid = 1;
    public const int Tanh = 2;
    public const int Relu = 3;
    public const int HardSigmoid = 4;
}

/// <summary>
/// Device functions for activations. Derivatives are written from the saved output y,
/// so backward never needs the pre-activation (micrograd style: d_sigmoid(y) = y*(1-y)).
/// </summary>
internal static class Act
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(int code, float x)
    {
        switch (code)
        {
            case ActivationCode.Sigmoid: return Sigmoid(x);
            case ActivationCode.Tanh: return Tanh(x);
            case ActivationCode.Relu: return x > 0f ? x : 0f;
            case ActivationCode.HardSigmoid: return Act.Clamp(x * (1f / 6f) + 0.5f, 0f, 1f); // Keras 3: relu6(x + 3) / 6 (Keras 2 had 0.2x + 0.5)
            default: return x;
        }
    }

    /// <summary>dy/dx expressed through y = Apply(code, x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DerivFromOutput(int code, float y)
    {
        switch (code)
        {
            case ActivationCode.Sigmoid: return y * (1f - y);
            case ActivationCode.Tanh: return 1f - y * y;
            case ActivationCode.Relu: return y > 0f ? 1f : 0f;
            case ActivationCode.HardSigmoid: return y > 0f && y < 1f ? 1f / 6f : 0f;
            default: return 1f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Clamp(float x, float lo, float hi) => x < lo ? lo : x > hi ? hi : x;

    /// <summary>tanh(x) = 2 sigmoid(2x) - 1: one exp instead of a libm tanh, several times faster on CPUs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => 2f * Sigmoid(2f * x) - 1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        // Split by sign so exp never overflows.
        if (x >= 0f)
            return 1f / (1f + MathF.Exp(-x));
        float e = MathF.Exp(x);
        return e / (1f + e);
    }
}
