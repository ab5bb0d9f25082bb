using GpuLstm.Device;
using GpuLstm.Device.GridPlans;
using GpuLstm.Tests.Ops;

namespace GpuLstm.Tests.Device;

/// <summary>GPULSTM_RECURRENCE=persistent where U's slices do not fit: step mode runs instead, and the device says so once.</summary>
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
}
