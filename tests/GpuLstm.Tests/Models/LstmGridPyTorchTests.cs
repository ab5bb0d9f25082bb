using GpuLstm.Device;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>
/// The grid recurrence in step mode and persistent against PyTorch's reference tensors: one SGD step of an
/// LSTM + Dense model gives PyTorch's loss and moves every weight by PyTorch's gradient. Written once, run per
/// accelerator (on CpuGrid with several groups and grid barriers).
/// </summary>
public abstract class LstmGridPyTorchTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(RecurrenceMode.Stepwise)]
    [InlineData(RecurrenceMode.Persistent)]
    public void OneStepOfSgdMovesWeightsByPyTorchGradients(RecurrenceMode mode)
    {
        var device = fixture.Device;
        using var _ = RecurrenceScope.Use(device, mode);
        var profiler = device.EnableProfiling();
        try
        {
            profiler.Reset();
            int sequences = PyTorchLstmSgdStep.Check(device);
            var ran = profiler.Report();
            // The model's LSTM (T = 6) took the grid path asked for: one launch per sequence persistent, one per step else.
            int perSequence = mode == RecurrenceMode.Persistent ? 1 : 6;
            Assert.Equal(sequences * perSequence, ran.Where(r => r.Kernel == "LstmGridForward").Sum(r => r.Launches));
            Assert.Equal(sequences * perSequence, ran.Where(r => r.Kernel == "LstmGridBackward").Sum(r => r.Launches));
            Assert.DoesNotContain(ran, r => r.Kernel == "LstmForward");
        }
        finally
        {
            device.DisableProfiling();
        }
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuLstmGridPyTorchTests(CpuFixture fixture) : LstmGridPyTorchTests(fixture);

[Collection(Accelerators.CpuGrid), Trait(Accelerators.Trait, Accelerators.CpuGrid)]
public sealed class CpuGridLstmGridPyTorchTests(CpuGridFixture fixture) : LstmGridPyTorchTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaLstmGridPyTorchTests(CudaFixture fixture) : LstmGridPyTorchTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClLstmGridPyTorchTests(OpenClFixture fixture) : LstmGridPyTorchTests(fixture);
