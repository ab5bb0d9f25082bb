using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>Inverted dropout: drop rate, scaling, masks shared over time when asked, gradient through the mask.</summary>
public abstract class DropoutOpTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void DropsAtTheRateScalesTheRestAndRoutesGradientsThroughTheMask(bool sharedAcrossTime)
    {
        var device = fixture.Device;
        int b = 16, t = 5, f = 50;
        var x = TestData.Uniform(91, b * t * f);
        using var tape = new Tape(device);
        using var tx = Tensor.FromArray(device, x, [b, t, f], "x");
        tx.RequiresGrad = true;
        var y = DropoutOp.Forward(tape, tx, 0.3f, seed: 5, sharedAcrossAxis1: sharedAcrossTime).ToArray();
        int dropped = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (y[i] == 0f)
                dropped++;
            else
                Assert.Equal(x[i] / 0.7, y[i], 1e-5);
        }
        double rate = dropped / (double)x.Length;
        Assert.InRange(rate, 0.25, 0.35);
        if (sharedAcrossTime)
        {
            for (int s = 0; s < b; s++)
                for (int k = 0; k < f; k++)
                    for (int step = 1; step < t; step++)
                        Assert.Equal(y[(s * t) * f + k] == 0f, y[(s * t + step) * f + k] == 0f);
        }
        var tyTensor = tape.NewTensor([b, t, f], "seed");
        tyTensor.CopyFrom(Enumerable.Repeat(1f, x.Length).ToArray());
        var yTensor = DropoutOp.Forward(tape, tx, 0.3f, seed: 5, sharedAcrossAxis1: sharedAcrossTime);
        tape.Backward((yTensor, tyTensor));
        var grad = tx.Grad!.ToArray();
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(y[i] == 0f ? 0.0 : 1 / 0.7, grad[i], 1e-5);
        tape.Reset();
    }

    [SkippableFact]
    public void MaskAloneDropsAtTheRateScalesTheRestAndDependsOnlyOnTheSeed()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        var mask = DropoutOp.Mask(tape, [32, 4 * 40], 0.25f, seed: 7).ToArray();
        Assert.All(mask, m => Assert.True(m == 0f || Math.Abs(m - 1 / 0.75f) < 1e-6, $"mask value {m}"));
        Assert.InRange(mask.Count(m => m == 0f) / (double)mask.Length, 0.21, 0.29);
        Assert.Equal(mask, DropoutOp.Mask(tape, [32, 4 * 40], 0.25f, seed: 7).ToArray());
        Assert.NotEqual(mask, DropoutOp.Mask(tape, [32, 4 * 40], 0.25f, seed: 8).ToArray());
        tape.Reset();
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuDropoutOpTests(CpuFixture fixture) : DropoutOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedDropoutOpTests(CpuLaunchedFixture fixture) : DropoutOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaDropoutOpTests(CudaFixture fixture) : DropoutOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClDropoutOpTests(OpenClFixture fixture) : DropoutOpTests(fixture);
