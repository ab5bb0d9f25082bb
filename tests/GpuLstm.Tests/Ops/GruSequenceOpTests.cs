using GpuLstm.Autograd;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The GRU sequence op against a double-precision Keras 3 reference, reset_after and reset_before:
/// outputs, final h, and the gradients of input, initial state, kernel, recurrent kernel and bias
/// against central finite differences. Written once, run per accelerator.
/// </summary>
public abstract class GruSequenceOpTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(6, 3, 7, 5, true, ActivationCode.Tanh, ActivationCode.Sigmoid, 0)]     // sizes that match no tile
    [InlineData(6, 3, 7, 5, false, ActivationCode.Tanh, ActivationCode.Sigmoid, 0)]
    [InlineData(9, 5, 19, 33, true, ActivationCode.Tanh, ActivationCode.Sigmoid, 300)]  // larger, sampled FD
    [InlineData(9, 5, 19, 33, false, ActivationCode.Tanh, ActivationCode.Sigmoid, 300)]
    [InlineData(5, 2, 3, 4, true, ActivationCode.Relu, ActivationCode.HardSigmoid, 0)]  // other activations
    [InlineData(5, 2, 3, 4, false, ActivationCode.Linear, ActivationCode.Sigmoid, 0)]
    public void ForwardAndGradientsMatchReference(int steps, int batch, int inputs, int hidden, bool resetAfter,
        int act, int recAct, int samples)
    {
        var all = Inputs(steps, batch, inputs, hidden, resetAfter, seed: 1);
        SequenceOpCheck.AgainstReference(fixture.Device, $"gru reset_after={resetAfter}", all, 20,
            (tape, t) => GruSequenceOp.Forward(tape, t[0], t[1], t[2], t[3], t[4], resetAfter, act, recAct),
            d => RefGru.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], d[3], d[4], resetAfter, act, recAct),
            samples);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void MaskedStepsCarryStateAndPassGradientsThrough(bool resetAfter)
    {
        var device = fixture.Device;
        int steps = 6, batch = 3, inputs = 4, hidden = 5;
        var mask = SequenceOpCheck.PaddedMask(steps, batch);
        using var tm = Tensor.FromArray(device, mask, [steps, batch], "mask");
        var dm = TestData.ToDouble(mask);
        SequenceOpCheck.AgainstReference(device, $"masked gru reset_after={resetAfter}", Inputs(steps, batch, inputs, hidden, resetAfter, seed: 71), 77,
            (tape, t) => GruSequenceOp.Forward(tape, t[0], t[1], t[2], t[3], t[4], resetAfter, mask: tm),
            d => RefGru.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], d[3], d[4], resetAfter, mask: dm));
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void WithoutBiasOrInitialStateStartsFromZeros(bool resetAfter)
    {
        int steps = 4, batch = 2, inputs = 3, hidden = 6;
        var all = Inputs(steps, batch, inputs, hidden, resetAfter, seed: 11)[..3]; // x, kernel, recurrent kernel
        var zeros = new double[batch * hidden];
        SequenceOpCheck.AgainstReference(fixture.Device, $"unbiased gru reset_after={resetAfter}", all, 17,
            (tape, t) => GruSequenceOp.Forward(tape, t[0], t[1], t[2], null, resetAfter: resetAfter),
            d => RefGru.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], null, zeros, resetAfter));
    }

    [SkippableFact]
    public void ABiasOfTheOtherResetConventionIsRejectedNamingOpAndShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var x = Tensor.Zeros(device, [4, 2, 3]);
        using var w = Tensor.Zeros(device, [3, 15]);
        using var u = Tensor.Zeros(device, [5, 15]);
        using var flat = Tensor.Zeros(device, [15]);
        var e = Assert.Throws<ArgumentException>(() => GruSequenceOp.Forward(tape, x, w, u, flat, resetAfter: true, name: "my_gru"));
        Assert.Contains("my_gru", e.Message);
        Assert.Contains("[2, 15]", e.Message);
        Assert.Contains("[15]", e.Message);
        using var wide = Tensor.Zeros(device, [3, 20]);
        e = Assert.Throws<ArgumentException>(() => GruSequenceOp.Forward(tape, x, wide, u, null));
        Assert.Contains("gru", e.Message);
        Assert.Contains("[3, 20]", e.Message);
    }

    /// <summary>x [T, B, I], kernel [I, 3H], recurrent kernel [H, 3H], bias ([2, 3H] or [3H]), h0 [B, H].</summary>
    private static SequenceOpInput[] Inputs(int steps, int batch, int inputs, int hidden, bool resetAfter, int seed)
    {
        int g3 = 3 * hidden;
        int[] biasShape = resetAfter ? [2, g3] : [g3];
        return
        [
            new("x", TestData.Uniform(seed, steps * batch * inputs), [steps, batch, inputs]),
            new("kernel", TestData.Uniform(seed + 1, inputs * g3, 0.5f), [inputs, g3]),
            new("recurrent_kernel", TestData.Uniform(seed + 2, hidden * g3, 0.5f), [hidden, g3]),
            new("bias", TestData.Uniform(seed + 3, biasShape.Aggregate(1, (a, b) => a * b), 0.5f), biasShape),
            new("h0", TestData.Uniform(seed + 4, batch * hidden, 0.5f), [batch, hidden]),
        ];
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuGruSequenceOpTests(CpuFixture fixture) : GruSequenceOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedGruSequenceOpTests(CpuLaunchedFixture fixture) : GruSequenceOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaGruSequenceOpTests(CudaFixture fixture) : GruSequenceOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClGruSequenceOpTests(OpenClFixture fixture) : GruSequenceOpTests(fixture);
