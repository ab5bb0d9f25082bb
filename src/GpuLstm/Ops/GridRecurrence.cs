using GpuLstm.Device;
using GpuLstm.Device.GridPlans;
using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Ops;

using View = ArrayView<float>;

/// <summary>
/// Launches the grid recurrence (<see cref="LstmGridKernels"/>, <see cref="GruGridKernels"/>) for a whole sequence:
/// once with a grid barrier between steps when the plan is persistent, else once per step (step mode). Same
/// arguments as the kernels.
/// </summary>
internal static class GridRecurrence
{
    public static void LstmForward(ComputeDevice device, RecurrenceGridPlan plan, LstmStepArgs args, int steps,
        View recurrentKernel, // [H, 4H]
        View gates,           // [T, B, 4H] in: x W, out: activations
        View bias,            // [4H], read only when HasBias
        View mask,            // [T, B], read only when HasMask
        View h,               // [T+1, B, H]
        View c,               // [T+1, B, H]
        View recurrentMask,   // [B, 4H], read only when HasRecurrentDropout
        View hDropped)        // [T+1, B, 4H], written only when HasRecurrentDropout
    {
        var config = Config(device, GridCell.Lstm, forward: true, plan);
        var launch = device.Kernels.LstmGridForward(plan.Tf32);
        var barrier = device.GridRecurrence.Barrier;
        foreach (var grid in Launches(plan, steps, forward: true))
            launch(config, args, grid, recurrentKernel, gates, bias, mask, h, c, recurrentMask, hDropped, barrier);
    }

    public static void LstmBackward(ComputeDevice device, RecurrenceGridPlan plan, LstmStepArgs args, int steps,
        View recurrentKernel, // [H, 4H]
        View dGates,          // [T, B, 4H] out
        View gates,           // [T, B, 4H] saved activations
        View mask,            // [T, B], read only when HasMask
        View c,               // [T+1, B, H]
        View dhOutput,        // [T, B, H], read only when HasOutputGrad
        View dhRecurrent,     // [B, H] in: the final h's grad
        View dc,              // [B, H] in: the final c's grad, out: dc_0
        View recurrentMask)   // [B, 4H], read only when HasRecurrentDropout
    {
        var config = Config(device, GridCell.Lstm, forward: false, plan);
        var launch = device.Kernels.LstmGridBackward(plan.Tf32);
        var barrier = device.GridRecurrence.Barrier;
        foreach (var grid in Launches(plan, steps, forward: false))
            launch(config, args, grid, recurrentKernel, dGates, gates, mask, c, dhOutput, dhRecurrent, dc, recurrentMask, barrier);
    }

    public static void GruForward(ComputeDevice device, RecurrenceGridPlan plan, RecurrentStepArgs args, int steps,
        View recurrentKernel, // [H, 3H]
        View gates,           // [T, B, 3H] in: x W, out: z, r, h~
        View recurrent,       // [T, B, 3H] out
        View bias,            // [2, 3H], read only when HasBias
        View mask,            // [T, B], read only when HasMask
        View h,               // [T+1, B, H]
        View recurrentMask,   // [B, 3H], read only when HasRecurrentDropout
        View hDropped)        // [T+1, B, 3H], written only when HasRecurrentDropout
    {
        ResetAfterOnly(args);
        var config = Config(device, GridCell.Gru, forward: true, plan);
        var launch = device.Kernels.GruGridForward(plan.Tf32);
        var barrier = device.GridRecurrence.Barrier;
        foreach (var grid in Launches(plan, steps, forward: true))
            launch(config, args, grid, recurrentKernel, gates, recurrent, bias, mask, h, recurrentMask, hDropped, barrier);
    }

    public static void GruBackward(ComputeDevice device, RecurrenceGridPlan plan, RecurrentStepArgs args, int steps,
        View recurrentKernel, // [H, 3H]
        View dInput,          // [T, B, 3H] out
        View dRecurrent,      // [T, B, 3H] out
        View gates,           // [T, B, 3H] saved
        View recurrent,       // [T, B, 3H] saved
        View mask,            // [T, B], read only when HasMask
        View h,               // [T+1, B, H]
        View dhOutput,        // [T, B, H], read only when HasOutputGrad
        View dhRecurrent,     // [B, H] in: the final h's grad, out: dh_0 without its GEMM part
        View recurrentMask)   // [B, 3H], read only when HasRecurrentDropout
    {
        ResetAfterOnly(args);
        var config = Config(device, GridCell.Gru, forward: false, plan);
        var launch = device.Kernels.GruGridBackward(plan.Tf32);
        var barrier = device.GridRecurrence.Barrier;
        foreach (var grid in Launches(plan, steps, forward: false))
            launch(config, args, grid, recurrentKernel, dInput, dRecurrent, gates, recurrent, mask, h, dhOutput, dhRecurrent, recurrentMask, barrier);
    }

    /// <summary>Persistent: one launch over every step; step mode: one per step, forward counting up, backward down.</summary>
    private static IEnumerable<RecurrenceGrid> Launches(RecurrenceGridPlan plan, int steps, bool forward)
    {
        if (plan.Persistent)
        {
            yield return plan.Launch(forward ? 0 : steps - 1, steps, steps);
            yield break;
        }
        for (int i = 0; i < steps; i++)
            yield return plan.Launch(forward ? i : steps - 1 - i, 1, steps);
    }

    private static KernelConfig Config(ComputeDevice device, GridCell cell, bool forward, RecurrenceGridPlan plan)
    {
        device.GridRecurrence.Prepare(cell, forward, plan);
        int sharedBytes = forward ? plan.ForwardSharedBytes : plan.BackwardSharedBytes;
        return new KernelConfig(plan.Groups, plan.GroupSize, SharedMemoryConfig.RequestDynamic<float>(sharedBytes / sizeof(float)));
    }

    /// <summary>The grid kernels pass h_{t-1} where reset_before's r h would go: they must never see reset_before.</summary>
    private static void ResetAfterOnly(RecurrentStepArgs args)
    {
        if (args.ResetAfter == 0)
            throw new InvalidOperationException("GRU grid recurrence: reset_after=false needs the GEMM path (ComputeDevice.GruRecurrencePath).");
    }
}
