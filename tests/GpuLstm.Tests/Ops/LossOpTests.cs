using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>Every loss: the mean against a double reference, its gradient against finite differences.</summary>
public abstract class LossOpTests(DeviceFixture fixture)
{
    public enum Kind { BceProbabilities, BceLogits, SparseLogits, SparseProbabilities, DenseLogits, DenseProbabilities, Mse, Mae }

    [SkippableTheory]
    [InlineData(Kind.BceProbabilities)]
    [InlineData(Kind.BceLogits)]
    [InlineData(Kind.SparseLogits)]
    [InlineData(Kind.SparseProbabilities)]
    [InlineData(Kind.DenseLogits)]
    [InlineData(Kind.DenseProbabilities)]
    [InlineData(Kind.Mse)]
    [InlineData(Kind.Mae)]
    public void LossAndGradientMatchReference(Kind kind)
    {
        var device = fixture.Device;
        int rows = 6, classes = 4;
        bool categorical = kind is Kind.SparseLogits or Kind.SparseProbabilities or Kind.DenseLogits or Kind.DenseProbabilities;
        bool sparse = kind is Kind.SparseLogits or Kind.SparseProbabilities;
        bool fromLogits = kind is Kind.BceLogits or Kind.SparseLogits or Kind.DenseLogits;
        int count = categorical ? rows * classes : rows * 3;
        var rng = new Random(41);
        // Probabilities stay inside (0.05, 0.95) so no clipping edge sits within the FD step.
        var pred = Enumerable.Range(0, count).Select(_ => fromLogits || kind is Kind.Mse or Kind.Mae
            ? (float)(rng.NextDouble() * 4 - 2) : (float)(0.05 + 0.9 * rng.NextDouble())).ToArray();
        float[] target = sparse
            ? Enumerable.Range(0, rows).Select(_ => (float)rng.Next(classes)).ToArray()
            : kind is Kind.DenseLogits or Kind.DenseProbabilities ? OneHotSoft(rng, rows, classes)
            : Enumerable.Range(0, count).Select(_ => kind is Kind.Mse or Kind.Mae ? (float)rng.NextDouble() : rng.Next(2)).ToArray();
        int[] shape = categorical ? [rows, classes] : [rows, 3];

        using var tape = new Tape(device);
        using var tp = Tensor.FromArray(device, pred, shape, "pred");
        tp.RequiresGrad = true;
        using var tt = Tensor.FromArray(device, target, sparse ? [rows] : shape, "target");
        var loss = kind switch
        {
            Kind.BceProbabilities or Kind.BceLogits => LossOps.BinaryCrossEntropy(tape, tp, tt, fromLogits),
            Kind.Mse => LossOps.MeanSquaredError(tape, tp, tt),
            Kind.Mae => LossOps.MeanAbsoluteError(tape, tp, tt),
            _ => LossOps.CategoricalCrossEntropy(tape, tp, tt, sparse, fromLogits),
        };
        var dp = TestData.ToDouble(pred);
        var dt = TestData.ToDouble(target);
        double Ref() => kind switch
        {
            Kind.BceProbabilities or Kind.BceLogits => RefLosses.BinaryCrossEntropy(dp, dt, fromLogits),
            Kind.Mse => RefLosses.MeanSquaredError(dp, dt),
            Kind.Mae => RefLosses.MeanAbsoluteError(dp, dt),
            _ => RefLosses.CategoricalCrossEntropy(dp, dt, classes, sparse, fromLogits),
        };
        Compare.Close($"{kind} loss", [Ref()], loss.ToArray(), 1e-5, 1e-4);
        tape.Backward(loss);
        GradCheck.AgainstFiniteDifferences($"{kind} pred", dp, tp.Grad!.ToArray(), Ref, absTol: 1e-4, relTol: 1e-3);
        tape.Reset();
    }

    [SkippableFact]
    public void NaNInDataPropagatesWithoutCrashing()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var p = Tensor.FromArray(device, [0.5f, float.NaN, 0.25f], [3]);
        p.RequiresGrad = true;
        using var t = Tensor.FromArray(device, [1f, 0f, 1f], [3]);
        var loss = LossOps.MeanSquaredError(tape, p, t);
        Assert.True(float.IsNaN(loss.ToArray()[0]));
        tape.Backward(loss);
        Assert.True(float.IsNaN(p.Grad!.ToArray()[1]));
        tape.Reset();
    }

    [SkippableFact]
    public void MismatchedTargetNamesLossAndShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var p = Tensor.Zeros(device, [4, 1]);
        using var t = Tensor.Zeros(device, [4, 2]);
        var e = Assert.Throws<ArgumentException>(() => LossOps.BinaryCrossEntropy(tape, p, t));
        Assert.Contains("binary_crossentropy", e.Message);
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("[4, 1]", e.Message);
    }

    private static float[] OneHotSoft(Random rng, int rows, int classes)
    {
        var t = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            int k = rng.Next(classes);
            for (int c = 0; c < classes; c++)
                t[r * classes + c] = c == k ? 0.85f : 0.05f; // label-smoothed distribution
        }
        return t;
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuLossOpTests(CpuFixture fixture) : LossOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedLossOpTests(CpuLaunchedFixture fixture) : LossOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaLossOpTests(CudaFixture fixture) : LossOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClLossOpTests(OpenClFixture fixture) : LossOpTests(fixture);
