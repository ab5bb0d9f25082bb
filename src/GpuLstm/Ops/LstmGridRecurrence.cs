using GpuLstm.Device;
using GpuLstm.Device.GridPlans;
using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Ops;

using View = ArrayView<float>;

/// <summary>
/// Launches the grid recurrence (<see cref="LstmGridKernels"/>) for a whole sequence: once with a grid barrier
/// between steps when the plan is persistent, else once per step (step mode). Same arguments as the kernels.
/// </summary>
internal static class LstmGridRecurrence
{
    public static void Forward(ComputeDevice device, RecurrenceGridPlan plan, LstmStepArgs args, int steps,
        View recurrentKernel, // [H, 4H]
        View gates,           // [T, B, 4H] in: x W, out: activations
        View bias,            // [4H], read only when HasBias
        View mask,            // [T, B], read only when HasMask
        View h,               // [T+1, B, H]
        View c,               // [T+1, B, H]
        View recurrentMask,   // [B, 4H], read only when HasRecurrentDropout
        View hDropped)        // [T+1, B, 4H], written only when HasRecurrentDropout
    {
        var config = Config(device, device.Kernels.LstmGridForwardKernel, plan, plan.ForwardSharedBytes);
        var launch = device.Kernels.LstmGridForward;
        var barrier = device.GridRecurrence.Barrier;
        if (plan.Persistent)
            launch(config, args, plan.Launch(0, steps, steps), recurrentKernel, gates, bias, mask, h, c, recurrentMask, hDropped, barrier);
        else
            for (int t = 0; t < steps; t++)
                launch(config, args, plan.Launch(t, 1, steps), recurrentKernel, gates, bias, mask, h, c, recurrentMask, hDropped, barrier);
    }

    public static void Backward(ComputeDevice device, RecurrenceGridPlan plan, LstmStepArgs args, int steps,
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
        var config = Config(device, device.Kernels.LstmGridBackwardKernel, plan, plan.BackwardSharedBytes);
        var launch = device.Kernels.LstmGridBackward;
        var barrier = device.GridRecurrence.Barrier;
        if (plan.Persistent)
            launch(config, args, plan.Launch(steps - 1, steps, steps), recurrentKernel, dGates, gates, mask, c, dhOutput, dhRecurrent, dc,
                recurrentMask, barrier);
        else
            for (int t = steps - 1; t >= 0; t--)
                launch(config, args, plan.Launch(t, 1, steps), recurrentKernel, dGates, gates, mask, c, dhOutput, dhRecurrent, dc,
                    recurrentMask, barrier);
    }

    private static KernelConfig Config(ComputeDevice device, Kernel kernel, RecurrenceGridPlan plan, int sharedBytes)
    {
        device.GridRecurrence.Prepare(kernel, plan, sharedBytes);
        return new KernelConfig(plan.Groups, plan.GroupSize, SharedMemoryConfig.RequestDynamic<float>(sharedBytes / sizeof(float)));
    }
}
