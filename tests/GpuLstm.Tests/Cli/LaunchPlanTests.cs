using GpuLstm.Cli.Commands;
using GpuLstm.Device;

namespace GpuLstm.Tests.Cli;

/// <summary>
/// `gpulstm bench --plan cuda`: the launches per training step a GPU path issues, counted on the CPU. The shrunk
/// shapes it counts at (B = I = H = 4) give the full-size counts, and the two recurrence modes give what their
/// loops issue: per step 2 launches forward and 2 backward with GEMMs (417 at T = 100), 1 and 1 in step mode (218),
/// and with the persistent kernel one launch forward and one backward per sequence (20, whatever T).
/// </summary>
public sealed class LaunchPlanTests
{
    [Theory]
    [InlineData(RecurrenceMode.Gemm)]
    [InlineData(RecurrenceMode.Stepwise)]
    [InlineData(RecurrenceMode.Persistent)]
    public void ShrunkShapesCountWhatFullSizeShapesLaunch(RecurrenceMode mode)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu, LaunchPlan.PlanOptions(mode));
        foreach (var shape in new[] { BenchShape.Small, new BenchShape("t100", 64, 100, 8, 12) })
            Assert.Equal(LaunchPlan.Count(device, shape, shrink: false), LaunchPlan.Count(device, shape));
    }

    [Fact]
    public void PlanPrintsTheGpuPathsLaunchesPerStep()
    {
        var gemm = CliRun.Of("bench", "--plan", "cuda", "--shapes", "small,large");
        Assert.Equal(0, gemm.ExitCode);
        Assert.Matches(@"B32_T10_I50_H128\s+57\b", gemm.Output);
        Assert.Matches(@"B64_T100_I256_H256\s+417\b", gemm.Output);
        using var device = ComputeDevice.Create(DeviceKind.Cpu, LaunchPlan.PlanOptions(RecurrenceMode.Stepwise));
        // Step mode saves a launch per step forward and per step but t = 0 backward (which had no GEMM): 2T - 1 fewer.
        Assert.Equal(417 - 2 * 100 + 1, LaunchPlan.Count(device, BenchShape.Large));
        using var persistent = ComputeDevice.Create(DeviceKind.Cpu, LaunchPlan.PlanOptions(RecurrenceMode.Persistent));
        // The issue's goal: at most 20 launches per training step at T = 100 (the loops' 2T - 1 become 1).
        Assert.Equal(218 - 2 * 100 + 2, LaunchPlan.Count(persistent, BenchShape.Large));
        Assert.Equal(20, LaunchPlan.Count(persistent, BenchShape.Small));
    }

    [Theory]
    [InlineData(RecurrenceMode.Persistent, "recurrence: persistent (one grid kernel per sequence)")]
    [InlineData(RecurrenceMode.Stepwise, "recurrence: step mode (one grid kernel per step)")]
    [InlineData(RecurrenceMode.Gemm, "LSTM recurrence: per step")]
    public void BenchSaysWhichRecurrenceRuns(RecurrenceMode mode, string expected)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { Recurrence = mode });
        Assert.Equal(mode, device.RecurrenceMode);
        Assert.Equal("   " + expected, BenchCommand.RecurrenceNote(device));
    }

    [Fact]
    public void AnUnknownTargetIsAUsageErrorListingTheKnownOnes()
    {
        var run = CliRun.Of("bench", "--plan", "rocm");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cuda", run.Error, StringComparison.Ordinal);
        Assert.Contains("opencl", run.Error, StringComparison.Ordinal);
    }
}
