using GpuLstm.Device;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The grid recurrence with its recurrent products on TF32 tensor cores (Tf32Tiles: mma.sync m16n8k8, opt-in) against
/// the same path in FP32 on one CUDA device: TF32 keeps 10 mantissa bits, so values and gradients agree to ~1e-2.
/// CUDA only (there is no tensor core elsewhere), so this class has no CPU or OpenCL subclass.
/// </summary>
public abstract class GridTf32Tests(DeviceFixture fixture)
{
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
public sealed class CudaGridTf32Tests(CudaFixture fixture) : GridTf32Tests(fixture);
