using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
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
            device.Recurrence = RecurrenceMode.Gemm;
            var expected = Run(device, steps, batch, inputs, hidden, mask, dropout, initialState, sequenceGrad, "LstmForward");
            device.Recurrence = RecurrenceMode.Stepwise;
            var actual = Run(device, steps, batch, inputs, hidden, mask, dropout, initialState, sequenceGrad, "LstmFusedStepForward");
            foreach (var (name, values) in expected)
                Compare.Close($"stepwise {name}", values, actual[name], absTol: 2e-5, relTol: 2e-4);
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

    private static Dictionary<string, float[]> Run(ComputeDevice device, int steps, int batch, int inputs, int hidden, bool mask,
        bool dropout, bool initialState, bool sequenceGrad, string expectedKernel)
    {
        var profiler = device.EnableProfiling();
        profiler.Reset();
        try
        {
            int g4 = 4 * hidden;
            using var tape = new Tape(device);
            using var x = TestData.Param(device, TestData.Uniform(11, steps * batch * inputs), [steps, batch, inputs], "x");
            using var w = TestData.Param(device, TestData.Uniform(12, inputs * g4, 0.5f), [inputs, g4], "kernel");
            using var u = TestData.Param(device, TestData.Uniform(13, hidden * g4, 0.5f), [hidden, g4], "recurrent_kernel");
            using var b = TestData.Param(device, TestData.Uniform(14, g4, 0.5f), [g4], "bias");
            using var h0 = initialState ? TestData.Param(device, TestData.Uniform(15, batch * hidden, 0.5f), [batch, hidden], "h0") : null;
            using var c0 = initialState ? TestData.Param(device, TestData.Uniform(16, batch * hidden, 0.5f), [batch, hidden], "c0") : null;
            var maskValues = new float[steps * batch];
            for (int t = 0; t < steps; t++)
                for (int r = 0; r < batch; r++)
                    maskValues[t * batch + r] = r % 3 == 0 || t < 1 + r % steps ? 1f : 0f;
            using var m = mask ? Tensor.FromArray(device, maskValues, [steps, batch]) : null;
            // Keras-style inverted dropout masks per gate: 0 or 1/(1-rate) with rate 0.25.
            var rng = new Random(17);
            var dropValues = Enumerable.Range(0, batch * g4).Select(_ => rng.NextDouble() < 0.25 ? 0f : 1f / 0.75f).ToArray();
            using var recurrentMask = dropout ? Tensor.FromArray(device, dropValues, [batch, g4]) : null;
            var outputs = LstmSequenceOp.Forward(tape, x, w, u, b, h0, c0, ActivationCode.Tanh, ActivationCode.Sigmoid, mask: m,
                recurrentDropoutMask: recurrentMask);
            using var seedS = Tensor.FromArray(device, TestData.Uniform(18, steps * batch * hidden), outputs.Sequence.Shape);
            using var seedH = Tensor.FromArray(device, TestData.Uniform(19, batch * hidden), outputs.FinalHidden.Shape);
            using var seedC = Tensor.FromArray(device, TestData.Uniform(20, batch * hidden), outputs.FinalCell.Shape);
            if (sequenceGrad)
                tape.Backward((outputs.Sequence, seedS), (outputs.FinalHidden, seedH), (outputs.FinalCell, seedC));
            else
                tape.Backward((outputs.FinalHidden, seedH), (outputs.FinalCell, seedC));
            var result = new Dictionary<string, float[]>
            {
                ["sequence"] = outputs.Sequence.ToArray(), ["final h"] = outputs.FinalHidden.ToArray(), ["final c"] = outputs.FinalCell.ToArray(),
                ["dx"] = x.Grad!.ToArray(), ["dkernel"] = w.Grad!.ToArray(), ["drecurrent_kernel"] = u.Grad!.ToArray(), ["dbias"] = b.Grad!.ToArray(),
            };
            if (initialState)
            {
                result["dh0"] = h0!.Grad!.ToArray();
                result["dc0"] = c0!.Grad!.ToArray();
            }
            var kernels = profiler.Report().Select(r => r.Kernel).ToList();
            Assert.True(kernels.Contains(expectedKernel), $"expected {expectedKernel} to run; ran: {string.Join(", ", kernels)}");
            tape.Reset();
            return result;
        }
        finally
        {
            device.DisableProfiling();
        }
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
