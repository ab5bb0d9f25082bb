using GpuLstm.Device;
using GpuLstm.Device.Cpu;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Device;

/// <summary>
/// CpuLstmPointwise (the SIMD host code the CPU accelerator runs in host-thread mode) against
/// LstmKernels launched through ILGPU's CPU launcher, for every flag combination and activation
/// pair, on sizes that leave vector tails (H % 8 != 0), B = 1, and inputs of ±30, ±100, ±inf and NaN.
/// CPU-only by nature (the implementation under test exists only there), so one class, not one per accelerator.
/// </summary>
[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLstmPointwiseTests(CpuLaunchedFixture fixture)
{
    private static readonly int[] Codes = [ActivationCode.Linear, ActivationCode.Sigmoid, ActivationCode.Tanh, ActivationCode.Relu, ActivationCode.HardSigmoid];

    [SkippableTheory]
    [InlineData(1, 5)]
    [InlineData(3, 13)]
    [InlineData(2, 16)]
    [InlineData(4, 37)]
    public void ForwardMatchesKernelForEveryFlagAndActivation(int batch, int hidden)
    {
        var device = fixture.Device;
        for (int flags = 0; flags < 8; flags++)
            foreach (int rec in Codes)
                foreach (int cell in Codes)
                    Forward(device, Args(batch, hidden, rec, cell, bias: (flags & 1) != 0, mask: (flags & 2) != 0, dropout: (flags & 4) != 0, outputGrad: false));
    }

    [SkippableTheory]
    [InlineData(1, 5)]
    [InlineData(3, 13)]
    [InlineData(2, 16)]
    [InlineData(4, 37)]
    public void BackwardMatchesKernelForEveryFlagAndActivation(int batch, int hidden)
    {
        var device = fixture.Device;
        for (int flags = 0; flags < 8; flags++)
            foreach (int rec in Codes)
                foreach (int cell in Codes)
                    Backward(device, Args(batch, hidden, rec, cell, bias: false, mask: (flags & 1) != 0, dropout: (flags & 2) != 0, outputGrad: (flags & 4) != 0));
    }

    /// <summary>Big enough (B*4H over CpuParallel.MinParallelElements) that rows split across threads, with an odd row count.</summary>
    [SkippableFact]
    public void RowsSplitAcrossThreadsMatchKernel()
    {
        var device = fixture.Device;
        var args = Args(9, 14571, ActivationCode.Sigmoid, ActivationCode.Tanh, bias: true, mask: true, dropout: true, outputGrad: true);
        Assert.True(4L * args.Batch * args.Hidden > CpuParallel.MinParallelElements);
        Forward(device, args);
        Backward(device, args);
    }

    private static LstmStepArgs Args(int batch, int hidden, int rec, int cell, bool bias, bool mask, bool dropout, bool outputGrad) => new()
    {
        Batch = batch, Hidden = hidden, RecurrentActivation = rec, CellActivation = cell,
        HasBias = bias ? 1 : 0, HasMask = mask ? 1 : 0, HasRecurrentDropout = dropout ? 1 : 0, HasOutputGrad = outputGrad ? 1 : 0,
    };

    private static string Name(LstmStepArgs a) =>
        $"B{a.Batch} H{a.Hidden} rec {a.RecurrentActivation} cell {a.CellActivation} bias {a.HasBias} mask {a.HasMask} dropout {a.HasRecurrentDropout} outputGrad {a.HasOutputGrad}";

    /// <summary>Rows 0, 2, 4, ... are padded steps (mask 0), the others real.</summary>
    private static float[] Mask(int batch) => Enumerable.Range(0, batch).Select(b => b % 2 == 0 ? 0f : 1f).ToArray();

    /// <summary>Keras-style recurrent dropout mask: 0 or 1 / (1 - rate).</summary>
    private static float[] DropoutMask(int seed, int count) => TestData.Uniform(seed, count).Select(u => u < -0.4f ? 0f : 1.25f).ToArray();

    private static void Forward(ComputeDevice device, LstmStepArgs a)
    {
        int b = a.Batch, h = a.Hidden;
        var gates = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(1, b * 4 * h, 3f), "gates");       // [B, 4H]
        var bias = CpuPointwiseCheck.Pair(device, TestData.Uniform(2, 4 * h), "bias");                               // [4H]
        var mask = CpuPointwiseCheck.Pair(device, Mask(b), "mask");                                                  // [B]
        var hPrev = CpuPointwiseCheck.Pair(device, TestData.Uniform(3, b * h), "h_prev");                            // [B, H]
        var cPrev = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(4, b * h, 2f), "c_prev");          // [B, H]
        var cNext = CpuPointwiseCheck.Pair(device, TestData.Uniform(5, b * h), "c_next");                            // [B, H]
        var hNext = CpuPointwiseCheck.Pair(device, TestData.Uniform(6, b * h), "h_next");                            // [B, H]
        var recMask = CpuPointwiseCheck.Pair(device, DropoutMask(7, b * 4 * h), "recurrent_mask");                   // [B, 4H]
        var hDropped = CpuPointwiseCheck.Pair(device, TestData.Uniform(8, b * 4 * h), "h_dropped");                  // [B, 4H]
        var all = new[] { gates, bias, mask, hPrev, cPrev, cNext, hNext, recMask, hDropped };
        try
        {
            int threads = device.Threads((long)b * h);
            device.Kernels.LstmForward(threads, threads, a, gates.Kernel.View, bias.Kernel.View, mask.Kernel.View, hPrev.Kernel.View,
                cPrev.Kernel.View, cNext.Kernel.View, hNext.Kernel.View, recMask.Kernel.View, hDropped.Kernel.View);
            device.Accelerator.Synchronize();
            CpuLstmPointwise.Forward(a, gates.Cpu.View, bias.Cpu.View, mask.Cpu.View, hPrev.Cpu.View,
                cPrev.Cpu.View, cNext.Cpu.View, hNext.Cpu.View, recMask.Cpu.View, hDropped.Cpu.View);
            string name = Name(a);
            CpuPointwiseCheck.Close($"forward {name}: gates", gates.Kernel, gates.Cpu);
            CpuPointwiseCheck.Close($"forward {name}: c_next", cNext.Kernel, cNext.Cpu);
            CpuPointwiseCheck.Close($"forward {name}: h_next", hNext.Kernel, hNext.Cpu);
            CpuPointwiseCheck.Close($"forward {name}: h_dropped", hDropped.Kernel, hDropped.Cpu);
            if (a.HasMask != 0) // a padded row copies its state: bit for bit
                for (int row = 0; row < b; row += 2)
                {
                    CpuPointwiseCheck.Exact($"forward {name}: masked c_next row {row}", cNext.Kernel, cNext.Cpu, row * h, h);
                    CpuPointwiseCheck.Exact($"forward {name}: masked h_next row {row}", hNext.Kernel, hNext.Cpu, row * h, h);
                    CpuPointwiseCheck.Exact($"forward {name}: masked gates row {row}", gates.Kernel, gates.Cpu, row * 4 * h, 4 * h);
                    if (a.HasRecurrentDropout != 0)
                        CpuPointwiseCheck.Exact($"forward {name}: masked h_dropped row {row}", hDropped.Kernel, hDropped.Cpu, row * 4 * h, 4 * h);
                }
        }
        finally
        {
            foreach (var (k, c) in all) { k.Dispose(); c.Dispose(); }
        }
    }

    private static void Backward(ComputeDevice device, LstmStepArgs a)
    {
        int b = a.Batch, h = a.Hidden;
        var gates = CpuPointwiseCheck.Pair(device, TestData.Uniform(11, b * 4 * h).Select(u => 0.5f + 0.49f * u).ToArray(), "gates"); // [B, 4H] saved activations
        var mask = CpuPointwiseCheck.Pair(device, Mask(b), "mask");                                                 // [B]
        var cPrev = CpuPointwiseCheck.Pair(device, TestData.Uniform(12, b * h, 2f), "c_prev");                      // [B, H]
        var cNext = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(13, b * h, 3f), "c_next");        // [B, H]
        var dhOutput = CpuPointwiseCheck.Pair(device, TestData.Uniform(14, b * h), "dh_output");                    // [B, H]
        var dhRecurrent = CpuPointwiseCheck.Pair(device, TestData.Uniform(15, b * h), "dh_recurrent");              // [B, H]
        var dc = CpuPointwiseCheck.Pair(device, TestData.Uniform(16, b * h), "dc");                                 // [B, H]
        var dGates = CpuPointwiseCheck.Pair(device, TestData.Uniform(17, b * 4 * h), "d_gates");                    // [B, 4H]
        var recMask = CpuPointwiseCheck.Pair(device, DropoutMask(18, b * 4 * h), "recurrent_mask");                 // [B, 4H]
        var dhDropped = CpuPointwiseCheck.Pair(device, TestData.Uniform(19, b * 4 * h), "dh_dropped");              // [B, 4H]
        var all = new[] { gates, mask, cPrev, cNext, dhOutput, dhRecurrent, dc, dGates, recMask, dhDropped };
        try
        {
            int threads = device.Threads((long)b * h);
            device.Kernels.LstmBackward(threads, threads, a, gates.Kernel.View, mask.Kernel.View, cPrev.Kernel.View, cNext.Kernel.View,
                dhOutput.Kernel.View, dhRecurrent.Kernel.View, dc.Kernel.View, dGates.Kernel.View, recMask.Kernel.View, dhDropped.Kernel.View);
            device.Accelerator.Synchronize();
            CpuLstmPointwise.Backward(a, gates.Cpu.View, mask.Cpu.View, cPrev.Cpu.View, cNext.Cpu.View,
                dhOutput.Cpu.View, dhRecurrent.Cpu.View, dc.Cpu.View, dGates.Cpu.View, recMask.Cpu.View, dhDropped.Cpu.View);
            string name = Name(a);
            CpuPointwiseCheck.Close($"backward {name}: d_gates", dGates.Kernel, dGates.Cpu);
            CpuPointwiseCheck.Close($"backward {name}: dc", dc.Kernel, dc.Cpu);
            CpuPointwiseCheck.Close($"backward {name}: dh_recurrent", dhRecurrent.Kernel, dhRecurrent.Cpu);
            if (a.HasMask != 0) // a padded row passes dh through and has zero gate grads: bit for bit
                for (int row = 0; row < b; row += 2)
                {
                    CpuPointwiseCheck.Exact($"backward {name}: masked d_gates row {row}", dGates.Kernel, dGates.Cpu, row * 4 * h, 4 * h);
                    CpuPointwiseCheck.Exact($"backward {name}: masked dh_recurrent row {row}", dhRecurrent.Kernel, dhRecurrent.Cpu, row * h, h);
                    CpuPointwiseCheck.Exact($"backward {name}: masked dc row {row}", dc.Kernel, dc.Cpu, row * h, h);
                }
        }
        finally
        {
            foreach (var (k, c) in all) { k.Dispose(); c.Dispose(); }
        }
    }
}
