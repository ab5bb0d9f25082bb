using GpuLstm.Device;
using GpuLstm.Device.Cpu;
using GpuLstm.Kernels;
using GpuLstm.Tests.Ops;

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
        var c = new LstmOpCase(steps, batch, inputs, hidden, mask, Dropout: false, initialState, sequenceGrad, cellAct, recAct);
        var reference = Run(new ComputeDeviceOptions { FuseCpuRecurrence = false }, c, expectFused: false);
        foreach (int threads in new[] { 1, 2, 3 })
            LstmOpRun.Close($"{threads} threads", reference,
                Run(new ComputeDeviceOptions { FuseCpuRecurrence = true, RecurrenceThreads = threads }, c, expectFused: true));
    }

    [SkippableFact]
    public void DeviceSaysSoWhenTheCpuCannotRunIt()
    {
        var warnings = new List<string>();
        using var device = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { Warning = warnings.Add });
        Assert.Equal(CpuPanelGemm.IsSupported, device.HostRecurrence is not null);
        Assert.Equal(!CpuPanelGemm.IsSupported, warnings.Any(w => w.Contains("512-bit", StringComparison.Ordinal)));
    }

    /// <summary>Recurrent dropout is not in the fused recurrence: the slower per-step path runs, and the device says so once.</summary>
    [SkippableFact]
    public void RecurrentDropoutTakesThePerStepPathAndSaysSoOnce()
    {
        Skip.IfNot(CpuPanelGemm.IsSupported, "this CPU has no hardware 512-bit vectors, so the fused CPU recurrence never runs here");
        var warnings = new List<string>();
        using var device = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { Warning = warnings.Add });
        var c = new LstmOpCase(4, 16, 3, 8, Dropout: true, SequenceGrad: true);
        var (_, kernels) = LstmOpRun.Run(device, c);
        LstmOpRun.Run(device, c);
        Assert.Contains("LstmForward", kernels);
        Assert.DoesNotContain("LstmRecurrence", kernels);
        Assert.Single(warnings, w => w.Contains("recurrent dropout", StringComparison.Ordinal));
        var (_, plain) = LstmOpRun.Run(device, c with { Dropout = false });
        Assert.Contains("LstmRecurrence", plain);
    }

    [SkippableFact]
    public void CpuThreadsBoundsTheTeam()
    {
        Skip.IfNot(CpuPanelGemm.IsSupported, "this CPU has no hardware 512-bit vectors, so the fused CPU recurrence never runs here");
        using var device = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { CpuThreads = 1 });
        Assert.Equal(1, device.HostRecurrence!.Members);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ComputeDeviceOptions { CpuThreads = 0 });
        Assert.Contains("CpuThreads must be at least 1", e.Message, StringComparison.Ordinal);
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

    /// <summary>One run on a fresh CPU device; asserts which path ran.</summary>
    private static Dictionary<string, float[]> Run(ComputeDeviceOptions options, LstmOpCase c, bool expectFused)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu, options);
        Assert.Equal(expectFused, device.HostRecurrence is not null);
        var (values, kernels) = LstmOpRun.Run(device, c);
        // The path under test really ran: one fused launch each way, or none and per-step GEMMs.
        Assert.Equal(expectFused, kernels.Contains("LstmRecurrence"));
        Assert.Equal(expectFused, kernels.Contains("LstmRecurrenceBackward"));
        Assert.Equal(!expectFused, kernels.Contains("LstmForward"));
        return values;
    }
}
