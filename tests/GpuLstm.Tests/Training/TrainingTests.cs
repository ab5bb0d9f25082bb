using GpuLstm.Codegen;
using GpuLstm.Plotting;
using GpuLstm.Datasets;
using GpuLstm.Samples;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GpuLstm.Tests.Training;

/// <summary>
/// End to end: an LSTM learns a task that needs memory (label = sign of the first step's first
/// feature, followed by noise), deterministically, and a step in steady state allocates nothing.
/// </summary>
public abstract class TrainingTests(DeviceFixture fixture, ITestOutputHelper output)
{
    private const int Batch = 32, Steps = 8, Inputs = 3, Units = 16;

    [SkippableFact]
    public void LossFallsOnAMemoryTask()
    {
        var losses = Train(seed: 5, steps: 120);
        double first = losses.Take(5).Average(), last = losses.TakeLast(5).Average();
        output.WriteLine($"loss: first 5 mean {first:F4}, last 5 mean {last:F4}");
        Assert.True(first > 0.6, $"initial loss {first:F4} should be near ln 2 for balanced labels");
        Assert.True(last < 0.25 * first, $"loss fell only from {first:F4} to {last:F4}");
    }

    [SkippableFact]
    public void SameSeedGivesSameBits()
    {
        var a = Train(seed: 9, steps: 15, out float[] paramsA);
        var b = Train(seed: 9, steps: 15, out float[] paramsB);
        Assert.Equal(a, b);
        Assert.Equal(paramsA, paramsB);
        var c = Train(seed: 10, steps: 15, out _);
        Assert.NotEqual(a, c);
    }

    [SkippableFact]
    public void SteadyStateStepAllocatesNothingAndTransfersOnlyTheLoss()
    {
        var device = fixture.Device;
        using var model = new LstmClassifier(device, Inputs, Units, seed: 1);
        var (x, y) = Batches(new Random(3), 1)[0];
        using var tx = Tensor.FromArray(device, x, [Batch, Steps, Inputs]);
        using var ty = Tensor.FromArray(device, y, [Batch, 1]);
        model.TrainStep(tx, ty);
        model.TrainStep(tx, ty);
        var before = device.Counters.Snapshot();
        model.TrainStep(tx, ty);
        var withLoss = device.Counters.Snapshot() - before;
        before = device.Counters.Snapshot();
        model.TrainStep(tx, ty, readLoss: false);
        var withoutLoss = device.Counters.Snapshot() - before;
        output.WriteLine($"per step: {withLoss.KernelLaunches} launches, {withLoss.Allocations} allocations, {withLoss.Transfers} transfers");
        Assert.Equal(0, withLoss.Allocations);
        Assert.Equal(1, withLoss.Transfers);
        Assert.Equal(0, withoutLoss.Transfers);
        // Forward <= 2 launches per time step, backward <= 3, plus a constant for the rest of the step.
        Assert.True(withLoss.KernelLaunches <= 5 * Steps + 40, $"{withLoss.KernelLaunches} launches for T={Steps}");
    }

    [SkippableFact]
    public void DisposedTensorCannotBeUsed()
    {
        var device = fixture.Device;
        var t = Tensor.FromArray(device, [1f, 2f], [2]);
        var view = t.Slice(1, [1]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.ToArray());
        Assert.Throws<ObjectDisposedException>(() => view.ToArray());
        Assert.Throws<ObjectDisposedException>(() => t.Fill(0f));
    }

    [SkippableFact]
    public void PredictUnderNoGradRecordsNothing()
    {
        var device = fixture.Device;
        using var model = new LstmClassifier(device, Inputs, Units, seed: 1);
        var (x, _) = Batches(new Random(3), 1)[0];
        using var tx = Tensor.FromArray(device, x, [Batch, Steps, Inputs]);
        var p1 = model.Predict(tx);
        var p2 = model.Predict(tx);
        Assert.Equal(p1, p2);
        Assert.All(p1, v => Assert.InRange(v, 0f, 1f));
    }

    private List<float> Train(int seed, int steps) => Train(seed, steps, out _);

    private List<float> Train(int seed, int steps, out float[] finalParams)
    {
        var device = fixture.Device;
        using var model = new LstmClassifier(device, Inputs, Units, seed, new Adam(0.02f));
        var batches = Batches(new Random(seed), 8);
        var losses = new List<float>();
        for (int s = 0; s < steps; s++)
        {
            var (x, y) = batches[s % batches.Count];
            using var tx = Tensor.FromArray(device, x, [Batch, Steps, Inputs]);
            using var ty = Tensor.FromArray(device, y, [Batch, 1]);
            losses.Add(model.TrainStep(tx, ty)!.Value);
        }
        finalParams = model.Parameters.Values.ToArray();
        return losses;
    }

    private static List<(float[] X, float[] Y)> Batches(Random rng, int count)
    {
        var result = new List<(float[], float[])>();
        for (int n = 0; n < count; n++)
        {
            var x = new float[Batch * Steps * Inputs];
            var y = new float[Batch];
            for (int b = 0; b < Batch; b++)
            {
                for (int i = 0; i < Steps * Inputs; i++)
                    x[b * Steps * Inputs + i] = (float)(rng.NextDouble() * 2 - 1);
                y[b] = x[b * Steps * Inputs] > 0 ? 1f : 0f;
            }
            result.Add((x, y));
        }
        return result;
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuTrainingTests(CpuFixture fixture, ITestOutputHelper output) : TrainingTests(fixture, output);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedTrainingTests(CpuLaunchedFixture fixture, ITestOutputHelper output) : TrainingTests(fixture, output);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaTrainingTests(CudaFixture fixture, ITestOutputHelper output) : TrainingTests(fixture, output);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClTrainingTests(OpenClFixture fixture, ITestOutputHelper output) : TrainingTests(fixture, output);
