using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Training;

/// <summary>
/// What the README promises about determinism: on one device with one GEMM engine, the same seed
/// trains to bit-identical weights and losses (shuffle, dropout and recurrent dropout on), and
/// another seed does not. Written once, run per accelerator.
/// </summary>
public abstract class DeterminismTests(DeviceFixture fixture)
{
    internal static (List<double> Losses, float[][] Weights) Train(ComputeDevice device, int seed)
    {
        var rng = new Random(3);
        var x = new HostArray(Enumerable.Range(0, 48 * 5 * 4).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 48, 5, 4);
        var y = new HostArray(Enumerable.Range(0, 48).Select(i => (float)(i % 3 == 0 ? 1 : 0)).ToArray(), 48, 1);
        using var model = new Sequential(device: device, seed: seed);
        model.Add(new Lstm(12, inputShape: (5, 4), dropout: 0.2f, recurrentDropout: 0.2f, returnSequences: true));
        model.Add(new Gru(6));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        var history = model.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0);
        return (history["loss"].ToList(), model.GetWeights().Select(w => w.Data.ToArray()).ToArray());
    }

    [SkippableFact]
    public void SameSeedTrainsBitIdenticallyAndAnotherSeedDoesNot()
    {
        var device = fixture.Device;
        var first = Train(device, seed: 7);
        var again = Train(device, seed: 7);
        var other = Train(device, seed: 8);

        Assert.Equal(first.Losses, again.Losses);
        for (int i = 0; i < first.Weights.Length; i++)
            Assert.True(first.Weights[i].AsSpan().SequenceEqual(again.Weights[i]), $"weight {i} differs between two runs with seed 7");
        Assert.NotEqual(first.Losses, other.Losses);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuDeterminismTests(CpuFixture fixture) : DeterminismTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedDeterminismTests(CpuLaunchedFixture fixture) : DeterminismTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaDeterminismTests(CudaFixture fixture) : DeterminismTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClDeterminismTests(OpenClFixture fixture) : DeterminismTests(fixture);

/// <summary>
/// The CPU accelerator's two launch paths (kernels on .NET threads, and through ILGPU's launcher)
/// run the same math, but ILGPU's CPU backend maps some math intrinsics differently and the .NET-thread
/// path runs the LSTM/GRU pointwise kernels as SIMD host code with its own exp, so they agree closely,
/// not bit for bit. The README says so.
/// </summary>
public sealed class CpuLaunchPathDeterminismTests
{
    [Fact]
    public void InlineAndLaunchedCpuKernelsTrainToCloseWeights()
    {
        using var inline = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { InlineSmallCpuKernels = true });
        using var launched = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { InlineSmallCpuKernels = false });
        var a = DeterminismTests.Train(inline, seed: 7);
        var b = DeterminismTests.Train(launched, seed: 7);
        Compare.Close("loss history", a.Losses.Select(l => (float)l).ToArray(), b.Losses.Select(l => (float)l).ToArray(), 1e-6, 1e-5);
        for (int i = 0; i < a.Weights.Length; i++)
            Compare.Close($"weight {i}", a.Weights[i], b.Weights[i], 1e-5, 1e-4);
    }
}
