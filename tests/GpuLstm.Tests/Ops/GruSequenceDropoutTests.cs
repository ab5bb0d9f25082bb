using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The GRU sequence op with fixed per-gate dropout masks (Keras 3's recurrent_dropout, implementation 1,
/// and dropout beside it) against the double-precision reference, reset_after and reset_before:
/// outputs, and gradients of every input and weight against central finite differences, with and
/// without a time mask and an initial state. Run per accelerator.
/// </summary>
public abstract class GruSequenceDropoutTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(true, false, false, true)]
    [InlineData(true, true, false, true)]
    [InlineData(true, false, true, true)]
    [InlineData(true, true, true, true)]
    [InlineData(true, true, true, false)] // no initial state: zeros dropped, no dh0 to fold back
    [InlineData(false, false, false, true)]
    [InlineData(false, true, false, true)]
    [InlineData(false, false, true, true)]
    [InlineData(false, true, true, true)]
    [InlineData(false, true, true, false)]
    public void PerGateMasksMatchReference(bool resetAfter, bool timeMask, bool inputDropout, bool initialState) =>
        Check(6, 3, 4, 5, resetAfter, timeMask, inputDropout, initialState, samples: 0);

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void LargerSizesMatchReference(bool resetAfter) => // sizes that match no GEMM tile, sampled FD
        Check(7, 5, 19, 33, resetAfter, timeMask: true, inputDropout: true, initialState: true, samples: 300);

    private void Check(int steps, int batch, int inputs, int hidden, bool resetAfter, bool timeMask, bool inputDropout,
        bool initialState, int samples)
    {
        var device = fixture.Device;
        int g3 = 3 * hidden;
        int[] biasShape = resetAfter ? [2, g3] : [g3];
        var all = new SequenceOpInput[]
        {
            new("x", TestData.Uniform(41, steps * batch * inputs), [steps, batch, inputs]),
            new("kernel", TestData.Uniform(42, inputs * g3, 0.5f), [inputs, g3]),
            new("recurrent_kernel", TestData.Uniform(43, hidden * g3, 0.5f), [hidden, g3]),
            new("bias", TestData.Uniform(44, biasShape.Aggregate(1, (a, b) => a * b), 0.5f), biasShape),
            new("h0", TestData.Uniform(45, batch * hidden, 0.5f), [batch, hidden]),
        };
        if (!initialState)
            all = all[..4];
        var recurrentMask = SequenceOpCheck.DropMask(46, batch * g3);                        // [B, 3H]
        var inputMask = inputDropout ? SequenceOpCheck.DropMask(47, batch * 3 * inputs) : null; // [B, 3I]
        var mask = SequenceOpCheck.PaddedMask(steps, batch);                                  // [T, B]
        using var tm = Tensor.FromArray(device, mask, [steps, batch], "mask");
        using var trm = Tensor.FromArray(device, recurrentMask, [batch, g3], "recurrent_dropout_mask");
        using var tim = inputMask is null ? null : Tensor.FromArray(device, inputMask, [batch, 3 * inputs], "input_dropout_mask");
        double[] dm = TestData.ToDouble(mask), drm = TestData.ToDouble(recurrentMask);
        double[]? dim = inputMask is null ? null : TestData.ToDouble(inputMask);
        var zeros = new double[batch * hidden];
        RefRecurrentResult Ref(double[][] d, bool dropout = true) => RefGru.Forward(steps, batch, inputs, hidden,
            d[0], d[1], d[2], d[3], initialState ? d[4] : zeros, resetAfter, mask: timeMask ? dm : null,
            recurrentMask: dropout ? drm : null, inputMask: dropout ? dim : null);

        // The masks must matter here, or matching the reference would prove nothing about them.
        var plain = all.Select(i => TestData.ToDouble(i.Values)).ToArray();
        Assert.True(SequenceOpCheck.SequenceDifference(Ref(plain), Ref(plain, dropout: false)) > 1e-2);
        string what = $"dropped gru reset_after={resetAfter} mask={timeMask} input={inputDropout}";
        SequenceOpCheck.AgainstReference(device, what, all, 48,
            (tape, t) => GruSequenceOp.Forward(tape, t[0], t[1], t[2], t[3], initialState ? t[4] : null, resetAfter,
                mask: timeMask ? tm : null, recurrentDropoutMask: trm, inputDropoutMask: tim),
            d => Ref(d), samples);
    }

    [SkippableFact]
    public void WrongMaskShapesNameOpAndShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var x = Tensor.Zeros(device, [4, 2, 3]);
        using var w = Tensor.Zeros(device, [3, 12]);
        using var u = Tensor.Zeros(device, [4, 12]);
        using var rm = Tensor.Zeros(device, [2, 4]);
        var e = Assert.Throws<ArgumentException>(() => GruSequenceOp.Forward(tape, x, w, u, null, name: "my_gru", recurrentDropoutMask: rm));
        Assert.Contains("my_gru", e.Message);
        Assert.Contains("recurrent dropout mask", e.Message);
        Assert.Contains("[2, 12]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        using var im = Tensor.Zeros(device, [2, 3]);
        e = Assert.Throws<ArgumentException>(() => GruSequenceOp.Forward(tape, x, w, u, null, inputDropoutMask: im));
        Assert.Contains("input dropout mask", e.Message);
        Assert.Contains("[2, 9]", e.Message);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuGruSequenceDropoutTests(CpuFixture fixture) : GruSequenceDropoutTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedGruSequenceDropoutTests(CpuLaunchedFixture fixture) : GruSequenceDropoutTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaGruSequenceDropoutTests(CudaFixture fixture) : GruSequenceDropoutTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClGruSequenceDropoutTests(OpenClFixture fixture) : GruSequenceDropoutTests(fixture);
