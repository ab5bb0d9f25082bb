using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The SimpleRNN sequence op with a fixed recurrent dropout mask (Keras: one [B, H] mask on h_{t-1}
/// for every step) against the double-precision reference: outputs, and gradients of every input and
/// weight against central finite differences, with and without a time mask. Run per accelerator.
/// </summary>
public abstract class SimpleRnnSequenceDropoutTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)] // no initial state: zeros dropped, no dh0 to fold back
    public void RecurrentMaskMatchesReference(bool timeMask, bool initialState)
    {
        var device = fixture.Device;
        int steps = 6, batch = 3, inputs = 4, hidden = 5;
        var all = new SequenceOpInput[]
        {
            new("x", TestData.Uniform(51, steps * batch * inputs), [steps, batch, inputs]),
            new("kernel", TestData.Uniform(52, inputs * hidden, 0.5f), [inputs, hidden]),
            new("recurrent_kernel", TestData.Uniform(53, hidden * hidden, 0.8f), [hidden, hidden]),
            new("bias", TestData.Uniform(54, hidden, 0.5f), [hidden]),
            new("h0", TestData.Uniform(55, batch * hidden, 0.5f), [batch, hidden]),
        };
        if (!initialState)
            all = all[..4];
        var recurrentMask = SequenceOpCheck.DropMask(56, batch * hidden); // [B, H]
        var mask = SequenceOpCheck.PaddedMask(steps, batch);              // [T, B]
        using var tm = Tensor.FromArray(device, mask, [steps, batch], "mask");
        using var trm = Tensor.FromArray(device, recurrentMask, [batch, hidden], "recurrent_dropout_mask");
        double[] dm = TestData.ToDouble(mask), drm = TestData.ToDouble(recurrentMask);
        var zeros = new double[batch * hidden];
        RefRecurrentResult Ref(double[][] d, bool dropout = true) => RefSimpleRnn.Forward(steps, batch, inputs, hidden,
            d[0], d[1], d[2], d[3], initialState ? d[4] : zeros, mask: timeMask ? dm : null, recurrentMask: dropout ? drm : null);

        // The mask must matter here, or matching the reference would prove nothing about it.
        var plain = all.Select(i => TestData.ToDouble(i.Values)).ToArray();
        Assert.True(SequenceOpCheck.SequenceDifference(Ref(plain), Ref(plain, dropout: false)) > 1e-2);
        SequenceOpCheck.AgainstReference(device, $"dropped simple_rnn mask={timeMask}", all, 57,
            (tape, t) => SimpleRnnSequenceOp.Forward(tape, t[0], t[1], t[2], t[3], initialState ? t[4] : null,
                mask: timeMask ? tm : null, recurrentDropoutMask: trm),
            d => Ref(d));
    }

    [SkippableFact]
    public void WrongMaskShapeNamesOpAndShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var x = Tensor.Zeros(device, [4, 2, 3]);
        using var w = Tensor.Zeros(device, [3, 4]);
        using var u = Tensor.Zeros(device, [4, 4]);
        using var rm = Tensor.Zeros(device, [2, 12]);
        var e = Assert.Throws<ArgumentException>(() => SimpleRnnSequenceOp.Forward(tape, x, w, u, null, recurrentDropoutMask: rm));
        Assert.Contains("simple_rnn", e.Message);
        Assert.Contains("recurrent dropout mask", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        Assert.Contains("[2, 12]", e.Message);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuSimpleRnnSequenceDropoutTests(CpuFixture fixture) : SimpleRnnSequenceDropoutTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedSimpleRnnSequenceDropoutTests(CpuLaunchedFixture fixture) : SimpleRnnSequenceDropoutTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaSimpleRnnSequenceDropoutTests(CudaFixture fixture) : SimpleRnnSequenceDropoutTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClSimpleRnnSequenceDropoutTests(OpenClFixture fixture) : SimpleRnnSequenceDropoutTests(fixture);
