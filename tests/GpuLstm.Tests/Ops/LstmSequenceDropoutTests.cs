using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The LSTM sequence op with fixed per-gate dropout masks (Keras 3's recurrent_dropout, and dropout
/// beside it) against the double-precision reference: outputs, and gradients of every input and
/// weight against central finite differences, with and without a time mask. Run per accelerator.
/// </summary>
public abstract class LstmSequenceDropoutTests(DeviceFixture fixture)
{
    private const float Rate = 0.3f;

    [SkippableTheory]
    [InlineData(false, false, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, true)]
    [InlineData(true, true, false)] // no initial state: zeros dropped, no dh0 to fold back
    public void PerGateMasksMatchReference(bool timeMask, bool inputDropout, bool initialState)
    {
        var device = fixture.Device;
        int steps = 5, batch = 3, inputs = 4, hidden = 5, g4 = 4 * hidden;
        var x = TestData.Uniform(21, steps * batch * inputs);
        var w = TestData.Uniform(22, inputs * g4, 0.5f);
        var u = TestData.Uniform(23, hidden * g4, 0.5f);
        var b = TestData.Uniform(24, g4, 0.5f);
        var h0 = initialState ? TestData.Uniform(25, batch * hidden, 0.5f) : new float[batch * hidden];
        var c0 = initialState ? TestData.Uniform(26, batch * hidden, 0.5f) : new float[batch * hidden];
        var recurrentMask = SequenceOpCheck.DropMask(27, batch * g4, Rate);          // [B, 4H]
        var inputMask = inputDropout ? SequenceOpCheck.DropMask(28, batch * 4 * inputs, Rate) : null; // [B, 4I]
        // [T, B]: row 1 padded after 3 steps, row 2 with a hole at step 1.
        var mask = new float[steps * batch];
        for (int t = 0; t < steps; t++)
        {
            mask[t * batch] = 1;
            mask[t * batch + 1] = t < 3 ? 1 : 0;
            mask[t * batch + 2] = t == 1 ? 0 : 1;
        }
        var rS = TestData.Uniform(29, steps * batch * hidden);
        var rH = TestData.Uniform(30, batch * hidden);
        var rC = TestData.Uniform(31, batch * hidden);

        using var tape = new Tape(device);
        using var tx = TestData.Param(device, x, [steps, batch, inputs], "x");
        using var tw = TestData.Param(device, w, [inputs, g4], "kernel");
        using var tu = TestData.Param(device, u, [hidden, g4], "recurrent_kernel");
        using var tb = TestData.Param(device, b, [g4], "bias");
        using var th0 = TestData.Param(device, h0, [batch, hidden], "h0");
        using var tc0 = TestData.Param(device, c0, [batch, hidden], "c0");
        using var tm = Tensor.FromArray(device, mask, [steps, batch], "mask");
        using var trm = Tensor.FromArray(device, recurrentMask, [batch, g4], "recurrent_dropout_mask");
        using var tim = inputMask is null ? null : Tensor.FromArray(device, inputMask, [batch, 4 * inputs], "input_dropout_mask");
        var outputs = LstmSequenceOp.Forward(tape, tx, tw, tu, tb, initialState ? th0 : null, initialState ? tc0 : null,
            mask: timeMask ? tm : null, recurrentDropoutMask: trm, inputDropoutMask: tim);

        var d = new[] { x, w, u, b, h0, c0 }.Select(TestData.ToDouble).ToArray();
        double[] dm = TestData.ToDouble(mask), drm = TestData.ToDouble(recurrentMask);
        double[]? dim = inputMask is null ? null : TestData.ToDouble(inputMask);
        RefLstm.Result Ref(bool dropout = true) => RefLstm.Forward(steps, batch, inputs, hidden, d[0], d[1], d[2], d[3], d[4], d[5],
            mask: timeMask ? dm : null, recurrentMask: dropout ? drm : null, inputMask: dropout ? dim : null);
        var expected = Ref();
        // The masks must matter here, or matching the reference would prove nothing about them.
        Assert.True(expected.Sequence.Zip(Ref(dropout: false).Sequence).Max(p => Math.Abs(p.First - p.Second)) > 1e-2);
        Compare.Close("dropped sequence", expected.Sequence, outputs.Sequence.ToArray());
        Compare.Close("dropped final h", expected.FinalH, outputs.FinalHidden.ToArray());
        Compare.Close("dropped final c", expected.FinalC, outputs.FinalCell.ToArray());

        using var seedS = Tensor.FromArray(device, rS, outputs.Sequence.Shape);
        using var seedH = Tensor.FromArray(device, rH, outputs.FinalHidden.Shape);
        using var seedC = Tensor.FromArray(device, rC, outputs.FinalCell.Shape);
        tape.Backward((outputs.Sequence, seedS), (outputs.FinalHidden, seedH), (outputs.FinalCell, seedC));
        double Loss()
        {
            var r = Ref();
            return r.Sequence.Select((v, i) => v * rS[i]).Sum() + r.FinalH.Select((v, i) => v * rH[i]).Sum()
                + r.FinalC.Select((v, i) => v * rC[i]).Sum();
        }
        var tensors = initialState ? new[] { tx, tw, tu, tb, th0, tc0 } : [tx, tw, tu, tb];
        for (int k = 0; k < tensors.Length; k++)
            GradCheck.AgainstFiniteDifferences("dropped " + tensors[k].Name, d[k], tensors[k].Grad!.ToArray(), Loss);
        tape.Reset();
    }

    [SkippableFact]
    public void WrongMaskShapeNamesOpAndShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var x = Tensor.Zeros(device, [4, 2, 3]);
        using var w = Tensor.Zeros(device, [3, 16]);
        using var u = Tensor.Zeros(device, [4, 16]);
        using var rm = Tensor.Zeros(device, [2, 4]);
        var e = Assert.Throws<ArgumentException>(() => LstmSequenceOp.Forward(tape, x, w, u, null, recurrentDropoutMask: rm));
        Assert.Contains("recurrent dropout mask", e.Message);
        Assert.Contains("[2, 16]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuLstmSequenceDropoutTests(CpuFixture fixture) : LstmSequenceDropoutTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedLstmSequenceDropoutTests(CpuLaunchedFixture fixture) : LstmSequenceDropoutTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaLstmSequenceDropoutTests(CudaFixture fixture) : LstmSequenceDropoutTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClLstmSequenceDropoutTests(OpenClFixture fixture) : LstmSequenceDropoutTests(fixture);
