using GpuLstm.Device;
using GpuLstm.Device.Cpu;
using GpuLstm.Kernels;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Device;

/// <summary>
/// CpuGruPointwise (the SIMD host code the CPU accelerator runs in host-thread mode) against
/// GruKernels launched through ILGPU's CPU launcher: every flag combination (bias, mask, recurrent
/// dropout, reset_after, output grad) and activation pair, with the stages launched as GruSequenceOp
/// launches them (reset_after: both at once; reset_before: forward gates then candidate, backward
/// candidate then gates), on sizes with vector tails, B = 1, and ±30, ±100, ±inf and NaN inputs.
/// CPU-only by nature: one class, not one per accelerator.
/// </summary>
[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuGruPointwiseTests(CpuLaunchedFixture fixture)
{
    private static readonly int[] Codes = [ActivationCode.Linear, ActivationCode.Sigmoid, ActivationCode.Tanh, ActivationCode.Relu, ActivationCode.HardSigmoid];

    [SkippableTheory]
    [InlineData(1, 5)]
    [InlineData(3, 13)]
    [InlineData(2, 16)]
    [InlineData(4, 37)]
    public void ForwardAndBackwardMatchKernelForEveryFlagAndActivation(int batch, int hidden)
    {
        var device = fixture.Device;
        for (int flags = 0; flags < 32; flags++)
            foreach (int rec in Codes)
                foreach (int act in Codes)
                {
                    var a = Args(batch, hidden, rec, act, flags);
                    if (a.HasOutputGrad == 0) // forward has no output grad: run it once per other flag set
                        Forward(device, a);
                    Backward(device, a);
                }
    }

    [SkippableFact]
    public void RowsSplitAcrossThreadsMatchKernel()
    {
        var device = fixture.Device;
        foreach (int resetAfter in new[] { 0, 1 })
        {
            var a = Args(11, 16001, ActivationCode.Sigmoid, ActivationCode.Tanh, 1 | 2 | 4 | 16 | (resetAfter << 3));
            Assert.True(3L * a.Batch * a.Hidden > CpuParallel.MinParallelElements);
            Forward(device, a);
            Backward(device, a);
        }
    }

    /// <summary>flags: 1 bias, 2 mask, 4 recurrent dropout, 8 reset_after, 16 output grad.</summary>
    private static RecurrentStepArgs Args(int batch, int hidden, int rec, int act, int flags) => new()
    {
        Batch = batch, Hidden = hidden, RecurrentActivation = rec, Activation = act,
        HasBias = flags & 1, HasMask = (flags >> 1) & 1, HasRecurrentDropout = (flags >> 2) & 1, ResetAfter = (flags >> 3) & 1,
        HasOutputGrad = (flags >> 4) & 1,
    };

    private static string Name(RecurrentStepArgs a) =>
        $"B{a.Batch} H{a.Hidden} rec {a.RecurrentActivation} act {a.Activation} bias {a.HasBias} mask {a.HasMask} dropout {a.HasRecurrentDropout} " +
        $"reset_after {a.ResetAfter} outputGrad {a.HasOutputGrad}";

    private static float[] Mask(int batch) => Enumerable.Range(0, batch).Select(b => b % 2 == 0 ? 0f : 1f).ToArray();

    private static float[] DropoutMask(int seed, int count) => TestData.Uniform(seed, count).Select(u => u < -0.4f ? 0f : 1.25f).ToArray();

    /// <summary>The stages in launch order: reset_after both at once, reset_before the two halves.</summary>
    private static int[] Stages(RecurrentStepArgs a, bool backward) =>
        a.ResetAfter != 0 ? [GruStage.Both] : backward ? [GruStage.Candidate, GruStage.Gates] : [GruStage.Gates, GruStage.Candidate];

    private static void Forward(ComputeDevice device, RecurrentStepArgs a)
    {
        int b = a.Batch, h = a.Hidden;
        var gates = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(21, b * 3 * h, 3f), "gates");   // [B, 3H]
        var recurrent = CpuPointwiseCheck.Pair(device, TestData.Uniform(22, b * 3 * h, 2f), "recurrent");        // [B, 3H]
        var bias = CpuPointwiseCheck.Pair(device, TestData.Uniform(23, 6 * h), "bias");                           // [2, 3H]
        var mask = CpuPointwiseCheck.Pair(device, Mask(b), "mask");                                               // [B]
        var hPrev = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(24, b * h, 1f), "h_prev");     // [B, H]
        var resetHidden = CpuPointwiseCheck.Pair(device, TestData.Uniform(25, b * h), "reset_hidden");           // [B, H]
        var hNext = CpuPointwiseCheck.Pair(device, TestData.Uniform(26, b * h), "h_next");                        // [B, H]
        var recMask = CpuPointwiseCheck.Pair(device, DropoutMask(27, b * 3 * h), "recurrent_mask");               // [B, 3H]
        var hDropped = CpuPointwiseCheck.Pair(device, TestData.Uniform(28, b * 3 * h), "h_dropped");              // [B, 3H]
        var all = new[] { gates, recurrent, bias, mask, hPrev, resetHidden, hNext, recMask, hDropped };
        try
        {
            int threads = device.Threads((long)b * h);
            foreach (int stages in Stages(a, backward: false))
            {
                var s = a with { Stages = stages };
                device.Kernels.GruForward(threads, threads, s, gates.Kernel.View, recurrent.Kernel.View, bias.Kernel.View, mask.Kernel.View,
                    hPrev.Kernel.View, resetHidden.Kernel.View, hNext.Kernel.View, recMask.Kernel.View, hDropped.Kernel.View);
                device.Accelerator.Synchronize();
                CpuGruPointwise.Forward(s, gates.Cpu.View, recurrent.Cpu.View, bias.Cpu.View, mask.Cpu.View,
                    hPrev.Cpu.View, resetHidden.Cpu.View, hNext.Cpu.View, recMask.Cpu.View, hDropped.Cpu.View);
            }
            string name = Name(a);
            foreach (var (what, pair) in new[] { ("gates", gates), ("recurrent", recurrent), ("reset_hidden", resetHidden), ("h_next", hNext), ("h_dropped", hDropped) })
                CpuPointwiseCheck.Close($"forward {name}: {what}", pair.Kernel, pair.Cpu);
            if (a.HasMask != 0) // a padded row copies its state: bit for bit
                for (int row = 0; row < b; row += 2)
                    CpuPointwiseCheck.Exact($"forward {name}: masked h_next row {row}", hNext.Kernel, hNext.Cpu, row * h, h);
        }
        finally
        {
            foreach (var (k, c) in all) { k.Dispose(); c.Dispose(); }
        }
    }

    private static void Backward(ComputeDevice device, RecurrentStepArgs a)
    {
        int b = a.Batch, h = a.Hidden;
        var gates = CpuPointwiseCheck.Pair(device, TestData.Uniform(31, b * 3 * h).Select(u => 0.5f + 0.49f * u).ToArray(), "gates"); // [B, 3H] saved z, r, h~
        var recurrent = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(32, b * 3 * h, 2f), "recurrent");  // [B, 3H]
        var mask = CpuPointwiseCheck.Pair(device, Mask(b), "mask");                                                      // [B]
        var hPrev = CpuPointwiseCheck.Pair(device, TestData.Uniform(33, b * h), "h_prev");                               // [B, H]
        var dhOutput = CpuPointwiseCheck.Pair(device, TestData.Uniform(34, b * h), "dh_output");                         // [B, H]
        var dhRecurrent = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(35, b * h, 1f), "dh_recurrent"); // [B, H]
        var dResetHidden = CpuPointwiseCheck.Pair(device, TestData.Uniform(36, b * h), "d_reset_hidden");                // [B, H]
        var dInput = CpuPointwiseCheck.Pair(device, TestData.Uniform(37, b * 3 * h), "d_input");                         // [B, 3H]
        var dRecurrent = CpuPointwiseCheck.Pair(device, TestData.Uniform(38, b * 3 * h), "d_recurrent");                 // [B, 3H]
        var recMask = CpuPointwiseCheck.Pair(device, DropoutMask(39, b * 3 * h), "recurrent_mask");                      // [B, 3H]
        var dhDropped = CpuPointwiseCheck.Pair(device, TestData.Uniform(40, b * 3 * h), "dh_dropped");                   // [B, 3H]
        var all = new[] { gates, recurrent, mask, hPrev, dhOutput, dhRecurrent, dResetHidden, dInput, dRecurrent, recMask, dhDropped };
        try
        {
            int threads = device.Threads((long)b * h);
            // reset_before passes dInput as dRecurrent, as GruSequenceOp does.
            var dRecKernel = a.ResetAfter != 0 ? dRecurrent.Kernel : dInput.Kernel;
            var dRecCpu = a.ResetAfter != 0 ? dRecurrent.Cpu : dInput.Cpu;
            foreach (int stages in Stages(a, backward: true))
            {
                var s = a with { Stages = stages };
                device.Kernels.GruBackward(threads, threads, s, gates.Kernel.View, recurrent.Kernel.View, mask.Kernel.View, hPrev.Kernel.View,
                    dhOutput.Kernel.View, dhRecurrent.Kernel.View, dResetHidden.Kernel.View, dInput.Kernel.View, dRecKernel.View,
                    recMask.Kernel.View, dhDropped.Kernel.View);
                device.Accelerator.Synchronize();
                CpuGruPointwise.Backward(s, gates.Cpu.View, recurrent.Cpu.View, mask.Cpu.View, hPrev.Cpu.View,
                    dhOutput.Cpu.View, dhRecurrent.Cpu.View, dResetHidden.Cpu.View, dInput.Cpu.View, dRecCpu.View, recMask.Cpu.View, dhDropped.Cpu.View);
            }
            string name = Name(a);
            foreach (var (what, pair) in new[] { ("dh_recurrent", dhRecurrent), ("d_input", dInput), ("d_recurrent", dRecurrent), ("dh_dropped", dhDropped) })
                CpuPointwiseCheck.Close($"backward {name}: {what}", pair.Kernel, pair.Cpu);
            if (a.HasMask != 0) // a padded row: zero gate grads, dh passed through
                for (int row = 0; row < b; row += 2)
                {
                    CpuPointwiseCheck.Exact($"backward {name}: masked d_input row {row}", dInput.Kernel, dInput.Cpu, row * 3 * h, 3 * h);
                    CpuPointwiseCheck.Exact($"backward {name}: masked dh_recurrent row {row}", dhRecurrent.Kernel, dhRecurrent.Cpu, row * h, h);
                }
        }
        finally
        {
            foreach (var (k, c) in all) { k.Dispose(); c.Dispose(); }
        }
    }
}
