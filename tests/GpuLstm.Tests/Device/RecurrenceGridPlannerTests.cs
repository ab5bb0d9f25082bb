using System.Numerics;
using GpuLstm.Device.GridPlans;

namespace GpuLstm.Tests.Device;

/// <summary>
/// The grid recurrence's planner and deadlock guard with an H100's figures entered as data (132 SMs, 227 KB opt-in
/// shared memory, Hopper's occupancy rule at the 60 registers ptxas gives the grid kernels), no GPU needed.
/// </summary>
public sealed class RecurrenceGridPlannerTests
{
    private const int Registers = 60;

    private static int H100Resident(int groupSize, int sharedBytes) =>
        MultiprocessorModel.Hopper.ResidentGroups(groupSize, Registers, sharedBytes) * GridLimits.H100.Multiprocessors;

    [Theory]
    [InlineData(128, 64, 128, 1, 4)]
    [InlineData(256, 64, 128, 2, 2)]
    [InlineData(512, 64, 128, 4, 1)]
    [InlineData(512, 8, 128, 4, 8)]    // few rows: each element's dot products over 8 threads
    [InlineData(1024, 64, 128, 8, 1)]
    [InlineData(1000, 1, 125, 8, 32)]  // one row: a warp per element
    public void H100PlansOneGroupPerSmWithUsSliceInSharedMemory(int hidden, int batch, int groups, int units, int split)
    {
        var plan = RecurrenceGridPlanner.Persistent(batch, hidden, GridLimits.H100, H100Resident, out string whyNot);
        Assert.True(plan is not null, whyNot);
        Assert.True(plan.Persistent);
        Assert.Equal((groups, units, split), (plan.Groups, plan.Units, plan.SplitK));
        Assert.True(plan.Groups * plan.Units >= hidden && (plan.Groups - 1) * plan.Units < hidden, $"{plan} does not cover H={hidden} exactly");
        Assert.InRange(plan.ForwardSharedBytes, 1, 227 * 1024);
        Assert.InRange(plan.BackwardSharedBytes, 1, 227 * 1024);
        Assert.Equal(4 * (hidden * (4 * units + 1) + 4 * plan.GroupSize), plan.ForwardSharedBytes);
        Assert.Equal(4 * (units * (4 * hidden + 1) + 4 * plan.GroupSize), plan.BackwardSharedBytes);
        Assert.True(plan.Groups <= plan.ResidentGroups, $"{plan}: not all groups resident");
        Assert.Equal(0, plan.GroupSize % plan.SplitK);
    }

    [Theory]
    [InlineData(512, 64)]
    [InlineData(512, 8)]
    [InlineData(128, 1)]
    public void Tf32PlansWholeWarpsAndRoomForTheProducts(int hidden, int batch)
    {
        var plan = RecurrenceGridPlanner.Persistent(batch, hidden, GridLimits.H100, H100Resident, out string whyNot, tf32: true);
        Assert.True(plan is not null, whyNot);
        Assert.True(plan.Tf32);
        Assert.Equal(0, plan.GroupSize % 32);
        Assert.Equal(1, plan.SplitK);
        int units = plan.Units;
        Assert.Equal(4 * (hidden * (4 * units + 1) + 4 * plan.GroupSize + batch * 4 * units), plan.ForwardSharedBytes);
        Assert.Equal(4 * (units * (4 * hidden + 1) + 4 * plan.GroupSize + batch * units), plan.BackwardSharedBytes);
        Assert.False(RecurrenceGridPlanner.Persistent(batch, hidden, GridLimits.H100, H100Resident, out _)!.Tf32);
    }

    [Fact]
    public void TooWideForSharedMemorySaysWhyAndStepModeStillFits()
    {
        Assert.Null(RecurrenceGridPlanner.Persistent(64, 2048, GridLimits.H100, H100Resident, out string whyNot));
        Assert.Contains("H=2048", whyNot, StringComparison.Ordinal);
        Assert.Contains("524.0 KB", whyNot, StringComparison.Ordinal);
        Assert.Contains("227 KB", whyNot, StringComparison.Ordinal);
        var step = RecurrenceGridPlanner.Stepwise(64, 2048, GridLimits.H100);
        Assert.False(step.Persistent);
        Assert.InRange(Math.Max(step.ForwardSharedBytes, step.BackwardSharedBytes), 1, 227 * 1024);
        Assert.True(step.Groups * step.Units >= 2048);
    }

    [Fact]
    public void FewResidentGroupsMeanMoreUnitsPerGroup()
    {
        // A device keeping only 64 groups resident: H=512 needs 8 units per group.
        var plan = RecurrenceGridPlanner.Persistent(64, 512, GridLimits.H100, (_, _) => 64, out _);
        Assert.NotNull(plan);
        Assert.Equal((64, 8), (plan.Groups, plan.Units));
        Assert.Null(RecurrenceGridPlanner.Persistent(64, 512, GridLimits.H100, (_, _) => 0, out string whyNot));
        Assert.Contains("resident", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void GuardRefusesAGridLargerThanTheResidentGroups()
    {
        // One unit per group at H=1024: 1024 groups of 256 threads and 20.5 KB of shared memory each; Hopper keeps 4 per SM.
        int groupSize = 256, shared = 4 * (1024 * 5 + 4 * groupSize);
        int resident = H100Resident(groupSize, shared);
        Assert.Equal(4 * 132, resident);
        var e = Assert.Throws<InvalidOperationException>(() =>
            RecurrenceGridPlan.EnsureResident("H100 (data sheet)", 1024, resident, groupSize, shared));
        Assert.Contains("1024 groups", e.Message, StringComparison.Ordinal);
        Assert.Contains("528 groups", e.Message, StringComparison.Ordinal);
        Assert.Contains("deadlock", e.Message, StringComparison.Ordinal);
        Assert.Contains("GPULSTM_RECURRENCE=stepwise", e.Message, StringComparison.Ordinal);
        RecurrenceGridPlan.EnsureResident("H100 (data sheet)", 528, resident, groupSize, shared); // exactly resident: allowed
    }

    [Fact]
    public void EveryPlanOfASweepIsConsistent()
    {
        var small = new GridLimits("small", 3, 8, 48 * 1024, 8);
        foreach (var limits in new[] { GridLimits.H100, small })
            foreach (int batch in new[] { 1, 2, 3, 7, 8, 16, 33, 64, 100, 300 })
                foreach (int hidden in new[] { 1, 2, 5, 31, 64, 100, 128, 257, 512, 1000, 1024, 2048 })
                    foreach (int gates in new[] { 3, 4 })
                        foreach (bool tf32 in limits == small ? new[] { false } : new[] { false, true })
                        {
                            string what = $"{limits.Device} B={batch} H={hidden} gates={gates} tf32={tf32}";
                            Func<int, int, int> resident = limits == small ? (_, _) => 3 : H100Resident;
                            var persistent = RecurrenceGridPlanner.Persistent(batch, hidden, limits, resident, out _, gates, tf32);
                            RecurrenceGridPlan? step = null;
                            try
                            {
                                step = RecurrenceGridPlanner.Stepwise(batch, hidden, limits, gates, tf32);
                            }
                            catch (ArgumentException) when (persistent is null)
                            {
                                // too wide even for one unit per group: both refuse
                            }
                            foreach (var plan in new[] { persistent, step })
                            {
                                if (plan is null)
                                    continue;
                                Assert.True(BitOperations.IsPow2(plan.SplitK) && plan.SplitK <= 32, $"{what}: {plan}");
                                Assert.True(plan.GroupSize % plan.SplitK == 0 && plan.GroupSize <= limits.MaxThreadsPerGroup, $"{what}: {plan}");
                                Assert.True(!tf32 || plan.GroupSize % 32 == 0, $"{what}: {plan}");
                                Assert.True(plan.Groups * plan.Units >= hidden && (plan.Groups - 1) * plan.Units < hidden, $"{what}: {plan}");
                                Assert.True(Math.Max(plan.ForwardSharedBytes, plan.BackwardSharedBytes) <= limits.MaxSharedBytesPerGroup, $"{what}: {plan}");
                                Assert.True(!plan.Persistent || plan.Groups <= plan.ResidentGroups, $"{what}: {plan}");
                            }
                        }
    }

    [Theory]
    [InlineData(256, 60, 40 * 1024, 4)]   // registers bound: 60 x 256 threads
    [InlineData(256, 32, 100 * 1024, 2)]  // shared memory bound (1 KB reserved per group)
    [InlineData(1024, 16, 1024, 2)]       // threads bound
    public void HopperOccupancyRule(int groupSize, int registers, int sharedBytes, int expected) =>
        Assert.Equal(expected, MultiprocessorModel.Hopper.ResidentGroups(groupSize, registers, sharedBytes));

    [Fact]
    public void BadShapesAreRefusedNamingThem()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RecurrenceGridPlanner.Stepwise(0, 8, GridLimits.H100));
        Assert.Contains("B=0", e.Message, StringComparison.Ordinal);
    }
}
