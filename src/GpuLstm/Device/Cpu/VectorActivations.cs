using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuLstm.Kernels;

namespace GpuLstm.Device.Cpu;

/// <summary>
/// One activation of GpuLstm.Kernels' ActivationCode on 8 floats. Implementations are structs used as
/// generic arguments, so the JIT compiles one loop per activation pair with the math inlined and no
/// switch per element.
/// </summary>
internal interface IVectorActivation
{
    static abstract Vector256<float> Apply(Vector256<float> x);

    /// <summary>dy/dx from y = Apply(x), as Act.DerivFromOutput.</summary>
    static abstract Vector256<float> DerivFromOutput(Vector256<float> y);
}

internal readonly struct LinearActivation : IVectorActivation
{
    public static Vector256<float> Apply(Vector256<float> x) => x;
    public static Vector256<float> DerivFromOutput(Vector256<float> y) => Vector256<float>.One;
}

internal readonly struct SigmoidActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x) => VectorMath.Sigmoid(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> DerivFromOutput(Vector256<float> y) => y * (Vector256<float>.One - y);
}

internal readonly struct TanhActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x) => VectorMath.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> DerivFromOutput(Vector256<float> y) => Vector256<float>.One - y * y;
}

internal readonly struct ReluActivation : IVectorActivation
{
    // x > 0 ? x : 0 as the kernels write it: NaN gives 0 there, and here.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> DerivFromOutput(Vector256<float> y) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
}

internal readonly struct HardSigmoidActivation : IVectorActivation
{
    // Keras 3: relu6(x + 3) / 6, multiply then add as in the kernels (bit-identical results).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x) =>
        VectorMath.ClampLikeKernels(x * Vector256.Create(1f / 6f) + Vector256.Create(0.5f), Vector256<float>.Zero, Vector256<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> DerivFromOutput(Vector256<float> y) => Vector256.ConditionalSelect(
        Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.LessThan(y, Vector256<float>.One),
        Vector256.Create(1f / 6f), Vector256<float>.Zero);
}

/// <summary>A loop body generic over two activations, run by <see cref="VectorActivations.Dispatch"/>.</summary>
internal interface IActivationPairBody
{
    void Run<TRecurrent, TCell>() where TRecurrent : struct, IVectorActivation where TCell : struct, IVectorActivation;
}

internal static class VectorActivations
{
    /// <summary>
    /// Runs body with the activation types of two ActivationCodes (recurrent: LSTM/GRU gates;
    /// cell: LSTM cell and output, GRU candidate). Unknown codes act as linear, as in Act.Apply.
    /// </summary>
    public static void Dispatch<TBody>(int recurrent, int cell, ref TBody body) where TBody : struct, IActivationPairBody
    {
        switch (recurrent)
        {
            case ActivationCode.Sigmoid: WithCell<TBody, SigmoidActivation>(cell, ref body); break;
            case ActivationCode.Tanh: WithCell<TBody, TanhActivation>(cell, ref body); break;
            case ActivationCode.Relu: WithCell<TBody, ReluActivation>(cell, ref body); break;
            case ActivationCode.HardSigmoid: WithCell<TBody, HardSigmoidActivation>(cell, ref body); break;
            default: WithCell<TBody, LinearActivation>(cell, ref body); break;
        }
    }

    private static void WithCell<TBody, TRecurrent>(int cell, ref TBody body)
        where TBody : struct, IActivationPairBody where TRecurrent : struct, IVectorActivation
    {
        switch (cell)
        {
            case ActivationCode.Sigmoid: body.Run<TRecurrent, SigmoidActivation>(); break;
            case ActivationCode.Tanh: body.Run<TRecurrent, TanhActivation>(); break;
            case ActivationCode.Relu: body.Run<TRecurrent, ReluActivation>(); break;
            case ActivationCode.HardSigmoid: body.Run<TRecurrent, HardSigmoidActivation>(); break;
            default: body.Run<TRecurrent, LinearActivation>(); break;
        }
    }
}
