using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Device.Cpu;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Device;

/// <summary>
/// The fused CPU recurrence (CpuLstmRecurrence: packed weights, batch rows split across a team)
/// against the per-step path (a BLAS GEMM and the pointwise kernel per step) on the same inputs:
/// outputs, final states and every gradient, for teams of 1, 2 and 3, batches that split unevenly
/// or leave row tails (1, 12, 17, 20), hidden sizes that leave partial 32-wide panels (1, 7, 33, 50, 70, 300) and
/// depths past one 256-deep block (4H = 280, H = 300),
/// masks, initial states, sequence gradients and other activations. CPU-only by nature (the
/// implementation exists only there). The per-step path itself is held against PyTorch fixtures and
/// finite differences elsewhere.
/// </summary>
public sealed class CpuLstmRecurrenceTests
{
    [SkippableTheory]
    [InlineData(5, 17, 6, 33, true, true, true, ActivationCode.Tanh, ActivationCode.Sigmoid)]
    [InlineData(4, 32, 9, 50, false, false, false, ActivationCode.Relu, ActivationCode.HardSigmoid)]
    [InlineData(3, 64, 8, 64, true, true, false, ActivationCode.Tanh, ActivationCode.Sigmoid)]
    [InlineData(6, 1, 3, 7, true, false, true, ActivationCode.Tanh, ActivationCode.Sigmoid)]
    [InlineData(2, 20, 5, 1, false, true, true, ActivationCode.Tanh, ActivationCode.Sigmoid)]
    [InlineData(3, 12, 5, 70, false, false, true, ActivationCode.Tanh, ActivationCode.Sigmoid)]   // 4H = 280: two depth blocks backward; 8 + 4 row tiles
    [InlineData(2, 16, 4, 300, true, false, true, ActivationCode.Tanh, ActivationCode.Sigmoid)]   // H = 300: two depth blocks forward, a partial panel
    public void FusedMatchesPerStepPath(int steps, int batch, int inputs, int hidden, bool mask, bool initialState, bool sequenceGrad,
        int cellAct, int recAct)
    {
        Skip.IfNot(CpuPanelGemm.IsSupported, "this CPU has no hardware 512-bit vectors, so the fused CPU recurrence never runs here");
        var reference = Run(new ComputeDeviceOptions { FuseCpuRecurrence = false }, steps, batch, inputs, hidden, mask, initialState,
            sequenceGrad, cellAct, recAct, expectFused: false);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var fused = Run(new ComputeDeviceOptions { FuseCpuRecurrence = true, RecurrenceThreads = threads }, steps, batch, inputs, hidden,
                mask, initialState, sequenceGrad, cellAct, recAct, expectFused: true);
            foreach (var (name, values) in reference)
                Compare.Close($"{threads} threads, {name}", values, fused[name], absTol: 2e-5, relTol: 2e-4);
        }
    }

    [SkippableFact]
    public void DeviceSaysSoWhenTheCpuCannotRunIt()
    {
        var warnings = new List<string>();
        using var device = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { Warning = warnings.Add });
        Assert.Equal(CpuPanelGemm.IsSupported, device.HostRecurrence is not null);
        Assert.Equal(!CpuPanelGemm.IsSupported, warnings.Any(w => w.Contains("512-bit", StringComparison.Ordinal)));
    }

    [Fact]
    public void EnvironmentSwitchIsParsedStrictly()
    {
        var e = Assert.Throws<ArgumentException>(() => new ComputeDeviceOptions().ResolveFuseCpuRecurrenceFrom("fast"));
        Assert.Contains(ComputeDeviceOptions.FuseCpuRecurrenceVariable, e.Message, StringComparison.Ordinal);
        Assert.True(new ComputeDeviceOptions().ResolveFuseCpuRecurrenceFrom(null));
        Assert.False(new ComputeDeviceOptions().ResolveFuseCpuRecurrenceFrom("0"));
        Assert.True(new ComputeDeviceOptions { FuseCpuRecurrence = true }.ResolveFuseCpuRecurrenceFrom("0"));
    }

    /// <summary>One forward and backward; returns every output and gradient by name.</summary>
    private static Dictionary<string, float[]> Run(ComputeDeviceOptions options, int steps, int batch, int inputs, int hidden,
        bool mask, bool initialState, bool sequenceGrad, int cellAct, int recAct, bool expectFused)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu, options);
        Assert.Equal(expectFused, device.HostRecurrence is not null);
        var profiler = device.EnableProfiling();
        int g4 = 4 * hidden;
        using var tape = new Tape(device);
        using var x = TestData.Param(device, TestData.Uniform(1, steps * batch * inputs), [steps, batch, inputs], "x");
        using var w = TestData.Param(device, TestData.Uniform(2, inputs * g4, 0.5f), [inputs, g4], "kernel");
        using var u = TestData.Param(device, TestData.Uniform(3, hidden * g4, 0.5f), [hidden, g4], "recurrent_kernel");
        using var b = TestData.Param(device, TestData.Uniform(4, g4, 0.5f), [g4], "bias");
        using var h0 = initialState ? TestData.Param(device, TestData.Uniform(5, batch * hidden, 0.5f), [batch, hidden], "h0") : null;
        using var c0 = initialState ? TestData.Param(device, TestData.Uniform(6, batch * hidden, 0.5f), [batch, hidden], "c0") : null;
        // Row b is padded from step (b % steps) on when masked: every row a different length, some never padded.
        var maskValues = new float[steps * batch];
        for (int t = 0; t < steps; t++)
            for (int r = 0; r < batch; r++)
                maskValues[t * batch + r] = !mask || r % 3 == 0 || t < r % steps ? 1f : 0f;
        using var m = mask ? Tensor.FromArray(device, maskValues, [steps, batch]) : null;
        var outputs = LstmSequenceOp.Forward(tape, x, w, u, b, h0, c0, cellAct, recAct, mask: m);

        using var seedS = Tensor.FromArray(device, TestData.Uniform(7, steps * batch * hidden), outputs.Sequence.Shape);
        using var seedH = Tensor.FromArray(device, TestData.Uniform(8, batch * hidden), outputs.FinalHidden.Shape);
        using var seedC = Tensor.FromArray(device, TestData.Uniform(9, batch * hidden), outputs.FinalCell.Shape);
        if (sequenceGrad)
            tape.Backward((outputs.Sequence, seedS), (outputs.FinalHidden, seedH), (outputs.FinalCell, seedC));
        else
            tape.Backward((outputs.FinalHidden, seedH));
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
        // The path under test really ran: one fused launch each way, or none and per-step GEMMs.
        Assert.Equal(expectFused, kernels.Contains("LstmRecurrence"));
        Assert.Equal(expectFused, kernels.Contains("LstmRecurrenceBackward"));
        Assert.Equal(!expectFused, kernels.Contains("LstmForward"));
        tape.Reset();
        return result;
    }
}
