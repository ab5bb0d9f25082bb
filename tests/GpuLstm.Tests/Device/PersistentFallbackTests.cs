using GpuLstm.Device;
using GpuLstm.Device.GridPlans;
using GpuLstm.Tests.Ops;

namespace GpuLstm.Tests.Device;

/// <summary>Where the grid recurrence cannot do what was asked (persistent that does not fit, TF32 with recurrent dropout), it runs the nearest path and says so once.</summary>
public sealed class PersistentFallbackTests
{
    [Fact]
    public void PersistentThatDoesNotFitRunsInStepModeAndSaysSoOnce()
    {
        var warnings = new List<string>();
        using var device = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions
        {
            Recurrence = RecurrenceMode.Persistent, InlineSmallCpuKernels = false, Warning = warnings.Add,
        });
        var real = device.GridRecurrence.Limits;
        // Shared memory for step mode's one-unit slices (H=6: 4 * (6 * 5 + 4 * 2) = 152 B) but not for one group of all six units.
        device.GridRecurrence.Limits = real with { MaxSharedBytesPerGroup = 200 };
        var c = new LstmOpCase(4, 2, 3, 6);
        var (_, kernels) = LstmOpRun.Run(device, c);
        LstmOpRun.Run(device, c);
        Assert.Equal(4, kernels.Count(k => k == "LstmGridForward")); // one launch per step: step mode
        var said = Assert.Single(warnings);
        Assert.Contains("persistent LSTM recurrence cannot run here", said, StringComparison.Ordinal);
        Assert.Contains("H=6", said, StringComparison.Ordinal);
        Assert.Contains("step mode", said, StringComparison.Ordinal);
    }

    [Fact]
    public void Tf32WithRecurrentDropoutStaysFp32AndSaysSoOnce()
    {
        var warnings = new List<string>();
        using var device = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions
        {
            Recurrence = RecurrenceMode.Stepwise, InlineSmallCpuKernels = false, Warning = warnings.Add,
        });
        device.GridTf32 = true; // as on a CUDA sm_80+ device with GPULSTM_TF32=1 (only the plan is asked for; nothing launches)
        Assert.True(device.LstmRecurrencePath(false, 2, 4).Grid!.Tf32);
        Assert.False(device.LstmRecurrencePath(true, 2, 4).Grid!.Tf32);
        Assert.False(device.GruRecurrencePath(true, 2, 4, true)!.Tf32);
        var said = Assert.Single(warnings);
        Assert.Contains("recurrent dropout", said, StringComparison.Ordinal);
        Assert.Contains("FP32", said, StringComparison.Ordinal);
    }
}
