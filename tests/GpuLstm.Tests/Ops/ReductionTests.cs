using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The multi-level sum GPUs need (hundreds of thousands of partials): the same bits as the
/// documented order, run after run, close to the exact sum, and no final loop over more than
/// <see cref="Reduction.MaxFinal"/> values.
/// </summary>
public abstract class ReductionTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(270_336)] // 132 SMs x 2048 threads: one partial per work item on an H200
    public void TreeSumMatchesItsOrderBitForBitAndTheExactSum(int count)
    {
        var device = fixture.Device;
        var x = TestData.Uniform(count, count);
        int levels = Reduction.ScratchLength(count);
        using var input = Tensor.FromArray(device, x, [count], "partials");
        using var scratch = Tensor.Zeros(device, [levels + 1], "levels");
        using var result = Tensor.Zeros(device, [1], "sum");

        float RunOnce()
        {
            var (partials, n) = Reduction.Collapse(device, input.View, count, Reduction.ScratchAt(scratch.View, 0, levels));
            Assert.InRange(n, 1, Reduction.MaxFinal);
            device.Kernels.SumToScalar(1, n, 1f, 0, partials, result.View);
            return result.ToArray()[0];
        }

        float first = RunOnce();
        Assert.Equal(BitConverter.SingleToInt32Bits(HostSameOrder(x)), BitConverter.SingleToInt32Bits(first));
        for (int run = 0; run < 3; run++)
            Assert.Equal(BitConverter.SingleToInt32Bits(first), BitConverter.SingleToInt32Bits(RunOnce()));
        double exact = x.Sum(v => (double)v);
        Assert.True(Math.Abs(first - exact) <= 1e-5 * x.Sum(v => Math.Abs((double)v)) + 1e-6,
            $"tree sum {first} vs exact {exact} over {count}");
    }

    [Fact]
    public void LevelsShrinkByTheFanIn()
    {
        Assert.Equal(0, Reduction.ScratchLength(Reduction.MaxFinal));
        Assert.Equal(17, Reduction.ScratchLength(Reduction.MaxFinal + 1)); // 1025 -> 17
        Assert.Equal(4224 + 66, Reduction.ScratchLength(270_336));       // -> 4224 -> 66
    }

    /// <summary>The order <see cref="Reduction.Collapse"/> documents, in float on the host.</summary>
    private static float HostSameOrder(float[] values)
    {
        var level = values;
        while (level.Length > Reduction.MaxFinal)
        {
            int outCount = (level.Length + Reduction.FanIn - 1) / Reduction.FanIn;
            var next = new float[outCount];
            for (int i = 0; i < outCount; i++)
            {
                float sum = 0f;
                for (int e = i; e < level.Length; e += outCount)
                    sum += level[e];
                next[i] = sum;
            }
            level = next;
        }
        float total = 0f;
        foreach (float v in level)
            total += v;
        return total;
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuReductionTests(CpuFixture fixture) : ReductionTests(fixture)
{
    /// <summary>
    /// The loss, metric and clip-norm call sites wire their tree scratch right: with the final width
    /// lowered to 1 every level runs (as on a GPU) and training matches the direct sums closely.
    /// </summary>
    [Fact]
    public void TrainingThroughTreeLevelsMatchesDirectSums()
    {
        var rng = new Random(3);
        var x = new HostArray(Enumerable.Range(0, 64 * 5 * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 64, 5, 3);
        var y = new HostArray(Enumerable.Range(0, 64).Select(i => (float)(i % 2)).ToArray(), 64, 1);
        (History History, long StageLaunches) Train(int maxFinal)
        {
            using var device = ComputeDevice.Create(DeviceKind.Cpu,
                new ComputeDeviceOptions { InlineSmallCpuKernels = false, ReductionMaxFinal = maxFinal });
            var profiler = device.EnableProfiling();
            using var model = new Sequential(device: device, seed: 4);
            model.Add(new Lstm(64, inputShape: (5, 3)));
            model.Add(new Dense(1, activation: "sigmoid"));
            model.Compile(new Adam(0.01f) { GlobalClipNorm = 0.5f }, "binary_crossentropy", ["accuracy"]);
            var history = model.Fit(x, y, batchSize: 32, epochs: 3, verbose: 0, shuffle: false);
            return (history, profiler.Report().Where(r => r.Kernel == "SumStridedStage").Sum(r => r.Launches));
        }
        var (direct, directStages) = Train(Reduction.MaxFinal);
        var (tree, treeStages) = Train(maxFinal: 1);
        Assert.Equal(0L, directStages);
        Assert.True(treeStages >= 3 * 2 * 3, $"only {treeStages} tree-level launches in 6 steps (loss, accuracy, clip norm each)");
        Compare.Close("loss per epoch", direct["loss"].ToArray(), tree["loss"].Select(v => (float)v).ToArray(), 1e-5, 1e-4);
        Assert.Equal(direct["accuracy"], tree["accuracy"]);
    }
}

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedReductionTests(CpuLaunchedFixture fixture) : ReductionTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaReductionTests(CudaFixture fixture) : ReductionTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClReductionTests(OpenClFixture fixture) : ReductionTests(fixture);
