using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The LSTM sequence op against a double-precision reference: outputs, final h and c, and gradients
/// for input, initial state, weights and bias against central finite differences of the reference.
/// Written once, run per accelerator; the grid recurrence's step mode and persistent kernel take the same checks.
/// </summary>
public abstract class LstmSequenceOpTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(RecurrenceMode.Auto, 6, 3, 7, 5, ActivationCode.Tanh, ActivationCode.Sigmoid, 0)]    // sizes that match no tile
    [InlineData(RecurrenceMode.Auto, 9, 5, 19, 33, ActivationCode.Tanh, ActivationCode.Sigmoid, 300)] // larger, sampled FD
    [InlineData(RecurrenceMode.Auto, 5, 2, 3, 4, ActivationCode.Relu, ActivationCode.HardSigmoid, 0)] // other activations
    [InlineData(RecurrenceMode.Stepwise, 6, 3, 7, 5, ActivationCode.Tanh, ActivationCode.Sigmoid, 0)]
    [InlineData(RecurrenceMode.Stepwise, 5, 2, 3, 4, ActivationCode.Relu, ActivationCode.HardSigmoid, 0)]
    [InlineData(RecurrenceMode.Persistent, 6, 3, 7, 5, ActivationCode.Tanh, ActivationCode.Sigmoid, 0)]
    [InlineData(RecurrenceMode.Persistent, 9, 5, 19, 33, ActivationCode.Tanh, ActivationCode.Sigmoid, 300)]
    [InlineData(RecurrenceMode.Persistent, 5, 2, 3, 4, ActivationCode.Relu, ActivationCode.HardSigmoid, 0)]
    public void ForwardAndGradientsMatchReference(RecurrenceMode mode, int steps, int batch, int inputs, int hidden, int cellAct, int recAct,
        int samples)
    {
        using var _ = RecurrenceScope.Use(fixture.Device, mode);
        var device = fixture.Device;
        int g4 = 4 * hidden;
        var x = TestData.Uniform(1, steps * batch * inputs);
        var w = TestData.Uniform(2, inputs * g4, 0.5f);
        var u = TestData.Uniform(3, hidden * g4, 0.5f);
        var b = TestData.Uniform(4, g4, 0.5f);
        var h0 = TestData.Uniform(5, batch * hidden, 0.5f);
        var c0 = TestData.Uniform(6, batch * hidden, 0.5f);
        // Upstream gradients for all three outputs define the scalar L = sum(seq*rS) + sum(hT*rH) + sum(cT*rC).
        var rS = TestData.Uniform(7, steps * batch * hidden);
        var rH = TestData.Uniform(8, batch * hidden);
        var rC = TestData.Uniform(9, batch * hidden);

        using var tape = new Tape(device);
        using var tx = TestData.Param(device, x, [steps, batch, inputs], "x");
        using var tw = TestData.Param(device, w, [inputs, g4], "kernel");
        using var tu = TestData.Param(device, u, [hidden, g4], "recurrent_kernel");
        using var tb = TestData.Param(device, b, [g4], "bias");
        using var th0 = TestData.Param(device, h0, [batch, hidden], "h0");
        using var tc0 = TestData.Param(device, c0, [batch, hidden], "c0");
        var outputs = LstmSequenceOp.Forward(tape, tx, tw, tu, tb, th0, tc0, cellAct, recAct);

        var d = new[] { x, w, u, b, h0, c0 }.Select(TestData.ToDouble).ToArray();
        RefLstm.Result Ref() => RefLstm.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], d[3], d[4], d[5], cellAct, recAct);
        var expected = Ref();
        Compare.Close("sequence", expected.Sequence, outputs.Sequence.ToArray());
        Compare.Close("final h", expected.FinalH, outputs.FinalHidden.ToArray());
        Compare.Close("final c", expected.FinalC, outputs.FinalCell.ToArray());

        using var seedS = Tensor.FromArray(device, rS, outputs.Sequence.Shape);
        using var seedH = Tensor.FromArray(device, rH, outputs.FinalHidden.Shape);
        using var seedC = Tensor.FromArray(device, rC, outputs.FinalCell.Shape);
        tape.Backward((outputs.Sequence, seedS), (outputs.FinalHidden, seedH), (outputs.FinalCell, seedC));

        double Loss()
        {
            var r = Ref();
            double s = 0;
            for (int i = 0; i < r.Sequence.Length; i++) s += r.Sequence[i] * rS[i];
            for (int i = 0; i < r.FinalH.Length; i++) s += r.FinalH[i] * rH[i] + r.FinalC[i] * rC[i];
            return s;
        }
        var tensors = new[] { tx, tw, tu, tb, th0, tc0 };
        for (int k = 0; k < tensors.Length; k++)
            GradCheck.AgainstFiniteDifferences(tensors[k].Name, d[k], tensors[k].Grad!.ToArray(), Loss, samples, seed: k);
        tape.Reset();
    }

    [SkippableTheory]
    [InlineData(RecurrenceMode.Auto)]
    [InlineData(RecurrenceMode.Stepwise)]
    [InlineData(RecurrenceMode.Persistent)]
    public void MaskedStepsCarryStateAndPassGradientsThrough(RecurrenceMode mode)
    {
        using var _ = RecurrenceScope.Use(fixture.Device, mode);
        var device = fixture.Device;
        int steps = 6, batch = 3, inputs = 4, hidden = 5, g4 = 4 * hidden;
        var x = TestData.Uniform(71, steps * batch * inputs);
        var w = TestData.Uniform(72, inputs * g4, 0.5f);
        var u = TestData.Uniform(73, hidden * g4, 0.5f);
        var b = TestData.Uniform(74, g4, 0.5f);
        var h0 = TestData.Uniform(75, batch * hidden, 0.5f);
        var c0 = TestData.Uniform(76, batch * hidden, 0.5f);
        // [T, B]: row 0 full length, row 1 padded after 4 steps, row 2 with a hole and a padded tail.
        var mask = new float[steps * batch];
        for (int t = 0; t < steps; t++)
        {
            mask[t * batch] = 1;
            mask[t * batch + 1] = t < 4 ? 1 : 0;
            mask[t * batch + 2] = t is 1 or 5 ? 0 : 1;
        }
        var rS = TestData.Uniform(77, steps * batch * hidden);
        var rH = TestData.Uniform(78, batch * hidden);

        using var tape = new Tape(device);
        using var tx = TestData.Param(device, x, [steps, batch, inputs], "x");
        using var tw = TestData.Param(device, w, [inputs, g4], "kernel");
        using var tu = TestData.Param(device, u, [hidden, g4], "recurrent_kernel");
        using var tb = TestData.Param(device, b, [g4], "bias");
        using var th0 = TestData.Param(device, h0, [batch, hidden], "h0");
        using var tc0 = TestData.Param(device, c0, [batch, hidden], "c0");
        using var tm = Tensor.FromArray(device, mask, [steps, batch], "mask");
        var outputs = LstmSequenceOp.Forward(tape, tx, tw, tu, tb, th0, tc0, mask: tm);
        var d = new[] { x, w, u, b, h0, c0 }.Select(TestData.ToDouble).ToArray();
        var dm = TestData.ToDouble(mask);
        RefLstm.Result Ref() => RefLstm.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], d[3], d[4], d[5], mask: dm);
        var expected = Ref();
        Compare.Close("masked sequence", expected.Sequence, outputs.Sequence.ToArray());
        Compare.Close("masked final h", expected.FinalH, outputs.FinalHidden.ToArray());

        using var seedS = Tensor.FromArray(device, rS, outputs.Sequence.Shape);
        using var seedH = Tensor.FromArray(device, rH, outputs.FinalHidden.Shape);
        tape.Backward((outputs.Sequence, seedS), (outputs.FinalHidden, seedH));
        double Loss()
        {
            var r = Ref();
            return r.Sequence.Select((v, i) => v * rS[i]).Sum() + r.FinalH.Select((v, i) => v * rH[i]).Sum();
        }
        var tensors = new[] { tx, tw, tu, tb, th0, tc0 };
        for (int k = 0; k < tensors.Length; k++)
            GradCheck.AgainstFiniteDifferences("masked " + tensors[k].Name, d[k], tensors[k].Grad!.ToArray(), Loss);
        tape.Reset();
    }

    [SkippableFact]
    public void WithoutInitialStateStartsFromZeros()
    {
        var device = fixture.Device;
        int steps = 4, batch = 2, inputs = 3, hidden = 6;
        var x = TestData.Uniform(11, steps * batch * inputs);
        var w = TestData.Uniform(12, inputs * 4 * hidden, 0.5f);
        var u = TestData.Uniform(13, hidden * 4 * hidden, 0.5f);
        var b = TestData.Uniform(14, 4 * hidden, 0.5f);
        using var tape = new Tape(device);
        using var tx = Tensor.FromArray(device, x, [steps, batch, inputs]);
        using var tw = Tensor.FromArray(device, w, [inputs, 4 * hidden]);
        using var tu = Tensor.FromArray(device, u, [hidden, 4 * hidden]);
        using var tb = Tensor.FromArray(device, b, [4 * hidden]);
        var outputs = LstmSequenceOp.Forward(tape, tx, tw, tu, tb);
        var zeros = new double[batch * hidden];
        var expected = RefLstm.Forward(steps, batch, inputs, hidden, TestData.ToDouble(x), TestData.ToDouble(w),
            TestData.ToDouble(u), TestData.ToDouble(b), zeros, zeros);
        Compare.Close("sequence", expected.Sequence, outputs.Sequence.ToArray());
        tape.Reset();
    }

    [SkippableFact]
    public void MismatchedWeightsNameOpAndShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var x = Tensor.Zeros(device, [4, 2, 3]);
        using var w = Tensor.Zeros(device, [5, 16]);
        using var u = Tensor.Zeros(device, [4, 16]);
        using var b = Tensor.Zeros(device, [16]);
        var e = Assert.Throws<ArgumentException>(() => LstmSequenceOp.Forward(tape, x, w, u, b));
        Assert.Contains("lstm", e.Message);
        Assert.Contains("[5, 16]", e.Message);
        Assert.Contains("[3, 16]", e.Message);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuLstmSequenceOpTests(CpuFixture fixture) : LstmSequenceOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedLstmSequenceOpTests(CpuLaunchedFixture fixture) : LstmSequenceOpTests(fixture);

[Collection(Accelerators.CpuGrid), Trait(Accelerators.Trait, Accelerators.CpuGrid)]
public sealed class CpuGridLstmSequenceOpTests(CpuGridFixture fixture) : LstmSequenceOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaLstmSequenceOpTests(CudaFixture fixture) : LstmSequenceOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClLstmSequenceOpTests(OpenClFixture fixture) : LstmSequenceOpTests(fixture);
