using GpuLstm.Device;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// Step mode (GPULSTM_RECURRENCE=stepwise: LstmKernels.LstmFusedStepForward/Backward, the recurrent product and the
/// gate math in one kernel per step) against the GEMM path on the same device and inputs: outputs, final states
/// and every gradient, with masks, recurrent dropout, initial states and sequence gradients. The GEMM path itself
/// is held against finite differences and PyTorch elsewhere. Written once, run per accelerator.
/// </summary>
public abstract class LstmStepwiseTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(5, 3, 4, 6, false, false, true, true)]
    [InlineData(6, 4, 3, 9, true, false, true, false)]   // masks: state carried over, gradients passed through
    [InlineData(4, 3, 5, 7, false, true, false, true)]   // recurrent dropout: per-gate masks on h
    [InlineData(5, 5, 2, 33, true, true, true, true)]    // both, a size that matches no tile
    [InlineData(1, 2, 3, 4, false, false, true, true)]   // one step: no later step to carry back from
    public void StepwiseMatchesTheGemmPath(int steps, int batch, int inputs, int hidden, bool mask, bool dropout, bool initialState,
        bool sequenceGrad)
    {
        var device = fixture.Device;
        var before = device.Recurrence;
        try
        {
            // Final c's gradient flows in only with the sequence's: both seeds, or the final h's alone.
            var c = new LstmOpCase(steps, batch, inputs, hidden, mask, dropout, initialState, sequenceGrad);
            device.Recurrence = RecurrenceMode.Gemm;
            var (expected, gemmKernels) = LstmOpRun.Run(device, c);
            device.Recurrence = RecurrenceMode.Stepwise;
            var (actual, stepKernels) = LstmOpRun.Run(device, c);
            Assert.Contains("LstmForward", gemmKernels);
            Assert.Contains("LstmFusedStepForward", stepKernels);
            Assert.Contains("LstmFusedStepBackward", stepKernels);
            Assert.DoesNotContain("LstmForward", stepKernels);
            LstmOpRun.Close("stepwise", expected, actual);
        }
        finally
        {
            device.Recurrence = before;
        }
    }

    [Fact]
    public void UnknownModeListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => RecurrenceModeChoice.Parse("persistent"));
        Assert.Contains("expected auto, gemm, stepwise", e.Message, StringComparison.Ordinal);
        Assert.Equal(RecurrenceMode.Stepwise, RecurrenceModeChoice.Parse(" Stepwise "));
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuLstmStepwiseTests(CpuFixture fixture) : LstmStepwiseTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedLstmStepwiseTests(CpuLaunchedFixture fixture) : LstmStepwiseTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaLstmStepwiseTests(CudaFixture fixture) : LstmStepwiseTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClLstmStepwiseTests(OpenClFixture fixture) : LstmStepwiseTests(fixture);
