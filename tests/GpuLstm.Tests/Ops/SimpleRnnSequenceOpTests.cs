using GpuLstm.Autograd;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The SimpleRNN sequence op against a double-precision reference: outputs, final h, and the
/// gradients of input, initial state, kernel, recurrent kernel and bias against central finite
/// differences. Written once, run per accelerator.
/// </summary>
public abstract class SimpleRnnSequenceOpTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(6, 3, 7, 5, ActivationCode.Tanh, 0)]     // sizes that match no tile
    [InlineData(9, 5, 19, 33, ActivationCode.Tanh, 300)] // larger, sampled FD
    [InlineData(5, 2, 3, 4, ActivationCode.Relu, 0)]
    [InlineData(5, 2, 3, 4, ActivationCode.Sigmoid, 0)]
    public void ForwardAndGradientsMatchReference(int steps, int batch, int inputs, int hidden, int act, int samples)
    {
        SequenceOpCheck.AgainstReference(fixture.Device, "simple_rnn", Inputs(steps, batch, inputs, hidden, seed: 1), 20,
            (tape, t) => SimpleRnnSequenceOp.Forward(tape, t[0], t[1], t[2], t[3], t[4], act),
            d => RefSimpleRnn.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], d[3], d[4], act), samples);
    }

    [SkippableFact]
    public void MaskedStepsCarryStateAndPassGradientsThrough()
    {
        var device = fixture.Device;
        int steps = 6, batch = 3, inputs = 4, hidden = 5;
        var mask = SequenceOpCheck.PaddedMask(steps, batch);
        using var tm = Tensor.FromArray(device, mask, [steps, batch], "mask");
        var dm = TestData.ToDouble(mask);
        SequenceOpCheck.AgainstReference(device, "masked simple_rnn", Inputs(steps, batch, inputs, hidden, seed: 71), 77,
            (tape, t) => SimpleRnnSequenceOp.Forward(tape, t[0], t[1], t[2], t[3], t[4], mask: tm),
            d => RefSimpleRnn.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], d[3], d[4], mask: dm));
    }

    [SkippableFact]
    public void WithoutBiasOrInitialStateStartsFromZeros()
    {
        int steps = 4, batch = 2, inputs = 3, hidden = 6;
        var zeros = new double[batch * hidden];
        SequenceOpCheck.AgainstReference(fixture.Device, "unbiased simple_rnn", Inputs(steps, batch, inputs, hidden, seed: 11)[..3], 17,
            (tape, t) => SimpleRnnSequenceOp.Forward(tape, t[0], t[1], t[2], null),
            d => RefSimpleRnn.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], null, zeros));
    }

    [SkippableFact]
    public void MismatchedWeightsNameOpAndShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var x = Tensor.Zeros(device, [4, 2, 3]);
        using var w = Tensor.Zeros(device, [5, 4]);
        using var u = Tensor.Zeros(device, [4, 4]);
        var e = Assert.Throws<ArgumentException>(() => SimpleRnnSequenceOp.Forward(tape, x, w, u, null));
        Assert.Contains("simple_rnn", e.Message);
        Assert.Contains("[5, 4]", e.Message);
        Assert.Contains("[3, 4]", e.Message);
    }

    /// <summary>x [T, B, I], kernel [I, H], recurrent kernel [H, H], bias [H], h0 [B, H].</summary>
    private static SequenceOpInput[] Inputs(int steps, int batch, int inputs, int hidden, int seed) =>
    [
        new("x", TestData.Uniform(seed, steps * batch * inputs), [steps, batch, inputs]),
        new("kernel", TestData.Uniform(seed + 1, inputs * hidden, 0.5f), [inputs, hidden]),
        new("recurrent_kernel", TestData.Uniform(seed + 2, hidden * hidden, 0.5f), [hidden, hidden]),
        new("bias", TestData.Uniform(seed + 3, hidden, 0.5f), [hidden]),
        new("h0", TestData.Uniform(seed + 4, batch * hidden, 0.5f), [batch, hidden]),
    ];
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuSimpleRnnSequenceOpTests(CpuFixture fixture) : SimpleRnnSequenceOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedSimpleRnnSequenceOpTests(CpuLaunchedFixture fixture) : SimpleRnnSequenceOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaSimpleRnnSequenceOpTests(CudaFixture fixture) : SimpleRnnSequenceOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClSimpleRnnSequenceOpTests(OpenClFixture fixture) : SimpleRnnSequenceOpTests(fixture);
