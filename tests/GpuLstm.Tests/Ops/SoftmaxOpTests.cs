using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>Softmax over the last axis: values (stable for large logits), its Jacobian, and the fused cross-entropy.</summary>
public abstract class SoftmaxOpTests(DeviceFixture fixture)
{
    private static double[] RefSoftmax(double[] x, int rows, int cols)
    {
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double max = x.Skip(r * cols).Take(cols).Max(), sum = 0;
            for (int k = 0; k < cols; k++)
                sum += Math.Exp(x[r * cols + k] - max);
            for (int k = 0; k < cols; k++)
                y[r * cols + k] = Math.Exp(x[r * cols + k] - max) / sum;
        }
        return y;
    }

    [SkippableFact]
    public void ValuesAndGradientMatchReference()
    {
        var device = fixture.Device;
        int rows = 6, cols = 5;
        var x = TestData.Uniform(31, rows * cols, scale: 3f);
        x[0] = 80f; // exp(80) overflows float unless the max is subtracted
        var r = TestData.Uniform(32, rows * cols);
        using var tape = new Tape(device);
        using var tx = Tensor.FromArray(device, x, [2, 3, cols], "logits");
        tx.RequiresGrad = true;
        var y = SoftmaxOp.Forward(tape, tx);
        var dx = TestData.ToDouble(x);
        Compare.Close("softmax", RefSoftmax(dx, rows, cols), y.ToArray(), 1e-6, 1e-5);
        using var seed = Tensor.FromArray(device, r, y.Shape);
        tape.Backward((y, seed));
        double Loss() => RefSoftmax(dx, rows, cols).Select((v, i) => v * r[i]).Sum();
        GradCheck.AgainstFiniteDifferences("softmax logits", dx, tx.Grad!.ToArray(), Loss);
        tape.Reset();
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void CrossEntropyOnSoftmaxIsFusedAndMatchesTheMath(bool sparse)
    {
        var device = fixture.Device;
        int rows = 4, cols = 3;
        var x = TestData.Uniform(41, rows * cols, scale: 2f);
        int[] labels = [0, 2, 1, 2];
        var target = sparse ? labels.Select(l => (float)l).ToArray()
            : Enumerable.Range(0, rows * cols).Select(i => labels[i / cols] == i % cols ? 1f : 0f).ToArray();
        using var tape = new Tape(device);
        using var tx = Tensor.FromArray(device, x, [rows, cols], "logits");
        using var tt = Tensor.FromArray(device, target, sparse ? [rows] : [rows, cols], "target");
        tx.RequiresGrad = true;
        var probabilities = SoftmaxOp.Forward(tape, tx);
        var loss = LossOps.CategoricalCrossEntropy(tape, probabilities, tt, sparse, fromLogits: false);
        var dx = TestData.ToDouble(x);
        double RefLoss()
        {
            var p = RefSoftmax(dx, rows, cols);
            return -Enumerable.Range(0, rows).Sum(i => Math.Log(p[i * cols + labels[i]])) / rows;
        }
        Assert.Equal(RefLoss(), loss.ToArray()[0], 5);
        tape.Backward(loss);
        Assert.False(probabilities.GradValid); // fused: the gradient went straight to the logits
        GradCheck.AgainstFiniteDifferences("cross-entropy logits", dx, tx.Grad!.ToArray(), RefLoss);
        tape.Reset();
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuSoftmaxOpTests(CpuFixture fixture) : SoftmaxOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedSoftmaxOpTests(CpuLaunchedFixture fixture) : SoftmaxOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaSoftmaxOpTests(CudaFixture fixture) : SoftmaxOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClSoftmaxOpTests(OpenClFixture fixture) : SoftmaxOpTests(fixture);
