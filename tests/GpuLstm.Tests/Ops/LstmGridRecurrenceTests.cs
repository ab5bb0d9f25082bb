using GpuLstm.Device;
using GpuLstm.Device.GridPlans;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The grid recurrence (LstmGridKernels: the recurrent product and the gate math in one kernel) in step mode and
/// persistent against the GEMM path on the same device and inputs: outputs, final states and every gradient, with
/// masks, recurrent dropout, initial states and sequence gradients. The GEMM path itself is held against finite
/// differences and PyTorch elsewhere (and so are both grid modes, in LstmSequenceOpTests and LstmGridReferenceTests).
/// Written once, run per accelerator; on CpuGrid the persistent kernel runs four groups with real grid barriers.
/// </summary>
public abstract class LstmGridRecurrenceTests(DeviceFixture fixture)
{
    public static TheoryData<RecurrenceMode, int, int, int, int, bool, bool, bool, bool> Cases()
    {
        var data = new TheoryData<RecurrenceMode, int, int, int, int, bool, bool, bool, bool>();
        foreach (var mode in new[] { RecurrenceMode.Stepwise, RecurrenceMode.Persistent })
        {
            data.Add(mode, 5, 3, 4, 6, false, false, true, true);
            data.Add(mode, 6, 4, 3, 9, true, false, true, false);  // masks: state carried over, gradients passed through
            data.Add(mode, 4, 3, 5, 7, false, true, false, true);  // recurrent dropout: per-gate masks on h
            data.Add(mode, 5, 5, 2, 33, true, true, true, true);   // both, a size that matches no tile
            data.Add(mode, 1, 2, 3, 4, false, false, true, true);  // one step: no later step to carry back from
            data.Add(mode, 3, 1, 2, 13, false, false, false, true); // B = 1: each element split over many threads
            data.Add(mode, 40, 5, 2, 33, false, false, false, true); // long: without the grid barrier (tried) this fails on CpuGrid
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void GridRecurrenceMatchesTheGemmPath(RecurrenceMode mode, int steps, int batch, int inputs, int hidden, bool mask, bool dropout,
        bool initialState, bool sequenceGrad)
    {
        var device = fixture.Device;
        var before = device.Recurrence;
        device.Pool.PoisonRented = true; // a step that reads h before another group wrote it sees NaN, not an earlier run's h
        try
        {
            // Final c's gradient flows in only with the sequence's: both seeds, or the final h's alone.
            var c = new LstmOpCase(steps, batch, inputs, hidden, mask, dropout, initialState, sequenceGrad);
            device.Recurrence = RecurrenceMode.Gemm;
            var (expected, gemmKernels) = LstmOpRun.Run(device, c);
            device.Recurrence = mode;
            var plan = device.LstmRecurrencePath(dropout, batch, hidden).Grid!;
            Assert.Equal(mode == RecurrenceMode.Persistent, plan.Persistent);
            var (actual, gridKernels) = LstmOpRun.Run(device, c);
            Assert.Contains("LstmForward", gemmKernels);
            Assert.Equal(plan.Persistent ? 1 : steps, gridKernels.Count(k => k == "LstmGridForward"));
            Assert.Equal(plan.Persistent ? 1 : steps, gridKernels.Count(k => k == "LstmGridBackward"));
            Assert.DoesNotContain("LstmForward", gridKernels);
            Assert.DoesNotContain("LstmBackward", gridKernels);
            LstmOpRun.Close($"{RecurrenceModeChoice.Name(mode)} ({plan.Groups} groups of {plan.GroupSize}, {plan.Units} units, split {plan.SplitK})",
                expected, actual);
        }
        finally
        {
            device.Recurrence = before;
            device.Pool.PoisonRented = false;
        }
    }

    [SkippableFact]
    public void PersistentLaunchesOncePerSequenceAndStepModeOncePerStep()
    {
        var device = fixture.Device;
        var before = device.Recurrence;
        try
        {
            var c = new LstmOpCase(7, 2, 3, 5);
            int Count(RecurrenceMode mode, string kernel)
            {
                device.Recurrence = mode;
                return LstmOpRun.Run(device, c).Kernels.Count(k => k == kernel);
            }
            Assert.Equal(1, Count(RecurrenceMode.Persistent, "LstmGridForward"));
            Assert.Equal(1, Count(RecurrenceMode.Persistent, "LstmGridBackward"));
            Assert.Equal(7, Count(RecurrenceMode.Stepwise, "LstmGridForward"));
            Assert.Equal(7, Count(RecurrenceMode.Stepwise, "LstmGridBackward"));
        }
        finally
        {
            device.Recurrence = before;
        }
    }

    [SkippableFact]
    public void APersistentGridLargerThanTheResidentGroupsIsRefusedBeforeItLaunches()
    {
        var device = fixture.Device;
        int steps = 3, batch = 2, hidden = 16;
        var fits = RecurrenceGridPlanner.Stepwise(batch, hidden, device.GridRecurrence.Limits);
        int resident = device.GridRecurrence.ResidentGroups(GridCell.Lstm, false, fits.GroupSize, fits.ForwardSharedBytes);
        var tooLarge = fits with { Persistent = true, Groups = resident + 1, ResidentGroups = resident };
        using var u = Tensor.Zeros(device, [hidden, 4 * hidden]);
        using var gates = Tensor.Zeros(device, [steps, batch, 4 * hidden]);
        using var h = Tensor.Zeros(device, [steps + 1, batch, hidden]);
        using var c = Tensor.Zeros(device, [steps + 1, batch, hidden]);
        var args = new LstmStepArgs { Batch = batch, Hidden = hidden };
        void Launch(RecurrenceGridPlan plan) => GridRecurrence.LstmForward(device, plan, args, steps, u.View, gates.View, gates.View,
            gates.View, h.View, c.View, gates.View, gates.View);
        var profiler = device.EnableProfiling();
        try
        {
            profiler.Reset();
            var e = Assert.Throws<InvalidOperationException>(() => Launch(tooLarge));
            Assert.Contains($"{resident + 1} groups", e.Message, StringComparison.Ordinal);
            Assert.Contains("deadlock", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(profiler.Report(), r => r.Kernel == "LstmGridForward"); // refused before launching
            Launch(tooLarge with { Groups = resident }); // every group resident: it runs
            Assert.Contains(profiler.Report(), r => r.Kernel == "LstmGridForward");
        }
        finally
        {
            device.DisableProfiling();
        }
    }

    [Fact]
    public void UnknownModeListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => RecurrenceModeChoice.Parse("fused"));
        Assert.Contains("expected auto, gemm, stepwise, persistent", e.Message, StringComparison.Ordinal);
        Assert.Equal(RecurrenceMode.Stepwise, RecurrenceModeChoice.Parse(" Stepwise "));
        Assert.Equal(RecurrenceMode.Persistent, RecurrenceModeChoice.Parse("persistent"));
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuLstmGridRecurrenceTests(CpuFixture fixture) : LstmGridRecurrenceTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedLstmGridRecurrenceTests(CpuLaunchedFixture fixture) : LstmGridRecurrenceTests(fixture);

[Collection(Accelerators.CpuGrid), Trait(Accelerators.Trait, Accelerators.CpuGrid)]
public sealed class CpuGridLstmGridRecurrenceTests(CpuGridFixture fixture) : LstmGridRecurrenceTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaLstmGridRecurrenceTests(CudaFixture fixture) : LstmGridRecurrenceTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClLstmGridRecurrenceTests(OpenClFixture fixture) : LstmGridRecurrenceTests(fixture);
