using GpuLstm.Device;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// What only a CUDA device can check of the grid recurrence, so this class has no CPU or OpenCL subclass: TF32 tensor
/// cores (Tf32Tiles: mma.sync m16n8k8, opt-in) against the same path in FP32 (TF32 keeps 10 mantissa bits, so values
/// and gradients agree to ~1e-2), and a persistent grid whose groups need more than CUDA's default 48 KB of shared
/// memory (cuFuncSetAttribute, the opt-in limit, occupancy above 48 KB, a 128-group barrier).
/// </summary>
public abstract class TensorCoreAndLargeGridTests(DeviceFixture fixture)
{
    [SkippableFact]
    public void PersistentWithMoreThan48KbOfSharedMemoryMatchesTheGemmPath()
    {
        var device = fixture.Device;
        var c = new LstmOpCase(3, 4, 5, 1024, InitialState: true, SequenceGrad: true);
        Dictionary<string, float[]> expected;
        using (RecurrenceScope.Use(device, RecurrenceMode.Gemm))
            expected = LstmOpRun.Run(device, c).Values;
        using var _ = RecurrenceScope.Use(device, RecurrenceMode.Persistent);
        var plan = device.LstmRecurrencePath(false, c.Batch, c.Hidden).Grid!;
        Assert.True(plan.Persistent, plan.ToString());
        Assert.True(plan.ForwardSharedBytes > 48 * 1024, plan.ToString());
        var (actual, kernels) = LstmOpRun.Run(device, c);
        Assert.Equal(1, kernels.Count(k => k == "LstmGridForward"));
        LstmOpRun.Close($"persistent H=1024 ({plan.Groups} groups, {plan.ForwardSharedBytes} B shared)", expected, actual);
    }

    [SkippableTheory]
    [InlineData(RecurrenceMode.Persistent, 5, 5, 3, 33)]
    [InlineData(RecurrenceMode.Persistent, 6, 16, 8, 64)]
    [InlineData(RecurrenceMode.Stepwise, 4, 3, 5, 20)]
    public void LstmTf32IsCloseToFp32(RecurrenceMode mode, int steps, int batch, int inputs, int hidden)
    {
        var device = fixture.Device;
        using var _ = RecurrenceScope.Use(device, mode);
        var c = new LstmOpCase(steps, batch, inputs, hidden, Mask: true, InitialState: true, SequenceGrad: true);
        bool before = device.GridTf32;
        try
        {
            device.GridTf32 = false;
            var (fp32, _) = LstmOpRun.Run(device, c);
            device.GridTf32 = true;
            Assert.True(device.LstmRecurrencePath(false, batch, hidden).Grid!.Tf32);
            var (tf32, _) = LstmOpRun.Run(device, c);
            foreach (var (name, values) in fp32)
                Compare.Close($"TF32 {name}", values, tf32[name], absTol: 2e-2, relTol: 2e-2);
        }
        finally
        {
            device.GridTf32 = before;
        }
    }
}

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaTensorCoreAndLargeGridTests(CudaFixture fixture) : TensorCoreAndLargeGridTests(fixture);
