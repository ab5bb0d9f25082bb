using GpuLstm.Memory;
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
public sealed class CpuReductionTests(CpuFixture fixture) : ReductionTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedReductionTests(CpuLaunchedFixture fixture) : ReductionTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaReductionTests(CudaFixture fixture) : ReductionTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClReductionTests(OpenClFixture fixture) : ReductionTests(fixture);
