using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// Every loss with sample weights ([B] or [B, T]) and the prediction's mask, against Keras's
/// reduce_weighted_values in double precision; gradients against finite differences.
/// </summary>
public abstract class WeightedLossOpTests(DeviceFixture fixture)
{
    public enum Kind { BceProbabilities, BceLogits, SparseLogits, SparseProbabilities, DenseLogits, DenseProbabilities, SparseSoftmax, DenseSoftmax, Mse, Mae }

    public enum Weighting { PerSample, PerStep, Mask, MaskAndPerSample, MaskAndPerStep }

    private const int B = 3, T = 4, Width = 2, Classes = 4;

    // [B, T]: every sample keeps a real step; one sample's last steps are padding.
    private static readonly float[] Mask = [1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1];

    public static TheoryData<Kind, Weighting> Cases()
    {
        var data = new TheoryData<Kind, Weighting>();
        foreach (var kind in Enum.GetValues<Kind>())
        {
            foreach (var weighting in Enum.GetValues<Weighting>())
                data.Add(kind, weighting);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void WeightedLossAndGradientMatchKeras(Kind kind, Weighting weighting)
    {
        var c = new Case(kind, weighting, seed: 7);
        using var tape = new Tape(fixture.Device);
        var (loss, input) = c.Run(tape, fixture.Device, c.Target);
        Compare.Close($"{kind} {weighting} loss", [c.Reference()], loss.ToArray(), 1e-5, 1e-4);
        tape.Backward(loss);
        GradCheck.AgainstFiniteDifferences($"{kind} {weighting} pred", c.Input, input.Grad!.ToArray(), c.Reference, absTol: 1e-4, relTol: 1e-3);
        tape.Reset();
    }

    [SkippableTheory]
    [InlineData(Kind.BceProbabilities)]
    [InlineData(Kind.SparseSoftmax)]
    [InlineData(Kind.DenseLogits)]
    [InlineData(Kind.Mse)]
    public void ChangingOnlyPaddedTargetsLeavesTheLossAlone(Kind kind)
    {
        var c = new Case(kind, Weighting.Mask, seed: 11);
        var changed = c.Target.ToArray();
        int perStep = changed.Length / (B * T);
        for (int i = 0; i < changed.Length; i++)
        {
            if (Mask[i / perStep] == 0)
                changed[i] = c.Sparse ? (changed[i] + 1) % Classes : 1f - changed[i];
        }
        Assert.NotEqual(c.Target, changed);
        using var tape = new Tape(fixture.Device);
        float a = c.Run(tape, fixture.Device, c.Target).Loss.ToArray()[0];
        float b = c.Run(tape, fixture.Device, changed).Loss.ToArray()[0];
        Assert.Equal(a, b);
        tape.Reset();
    }

    [SkippableFact]
    public void FullyMaskedBatchGivesZeroLossAndGradient()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var p = Tensor.FromArray(device, [0.2f, 0.7f, 0.4f, 0.9f], [1, 4, 1]);
        using var mask = Tensor.Zeros(device, [1, 4]);
        p.RequiresGrad = true;
        using var t = Tensor.FromArray(device, [1f, 0f, 1f, 0f], [1, 4, 1]);
        var loss = LossOps.BinaryCrossEntropy(tape, p.WithMask(mask), t);
        Assert.Equal(0f, loss.ToArray()[0]); // Keras's divide_no_nan
        tape.Backward(loss);
        Assert.All(p.Grad!.ToArray(), g => Assert.Equal(0f, g));
        tape.Reset();
    }

    [SkippableFact]
    public void WeightsOfTheWrongShapeNameTheLossAndBothShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var p = Tensor.Zeros(device, [4, 3, 1]);
        using var t = Tensor.Zeros(device, [4, 3, 1]);
        using var w = Tensor.Zeros(device, [3]);
        var e = Assert.Throws<ArgumentException>(() => LossOps.MeanSquaredError(tape, p, t, w));
        Assert.Contains("mean_squared_error", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[4, 3]", e.Message);
    }

    /// <summary>One seeded problem: inputs, targets, weights and mask, run on the device or in the reference.</summary>
    private sealed class Case
    {
        private readonly Kind _kind;
        private readonly float[]? _weights; // [B] or [B, T]
        private readonly bool _masked;
        private readonly float[] _input;

        public Case(Kind kind, Weighting weighting, int seed)
        {
            _kind = kind;
            var rng = new Random(seed);
            Categorical = kind is not (Kind.BceProbabilities or Kind.BceLogits or Kind.Mse or Kind.Mae);
            Sparse = kind is Kind.SparseLogits or Kind.SparseProbabilities or Kind.SparseSoftmax;
            bool raw = kind is Kind.BceLogits or Kind.SparseLogits or Kind.DenseLogits or Kind.SparseSoftmax or Kind.DenseSoftmax or Kind.Mse or Kind.Mae;
            int width = Categorical ? Classes : Width;
            // Probabilities stay inside (0.05, 0.95) so no clipping edge sits within the FD step.
            _input = Enumerable.Range(0, B * T * width).Select(_ => raw ? (float)(rng.NextDouble() * 4 - 2) : (float)(0.05 + 0.9 * rng.NextDouble())).ToArray();
            Target = Sparse ? Enumerable.Range(0, B * T).Select(_ => (float)rng.Next(Classes)).ToArray()
                : Categorical ? Enumerable.Range(0, B * T * width).Select(i => i % width == (i / width) % width ? 0.85f : 0.05f).ToArray()
                : Enumerable.Range(0, B * T * width).Select(_ => kind is Kind.Mse or Kind.Mae ? (float)rng.NextDouble() : rng.Next(2)).ToArray();
            _weights = weighting switch
            {
                Weighting.PerSample or Weighting.MaskAndPerSample => [0.5f, 0f, 2f],
                Weighting.PerStep or Weighting.MaskAndPerStep => Enumerable.Range(0, B * T).Select(i => i == 5 ? 0f : (float)(0.25 + 1.5 * rng.NextDouble())).ToArray(),
                _ => null,
            };
            _masked = weighting is Weighting.Mask or Weighting.MaskAndPerSample or Weighting.MaskAndPerStep;
            Input = TestData.ToDouble(_input);
        }

        public bool Categorical { get; }
        public bool Sparse { get; }
        public float[] Target { get; }
        public double[] Input { get; }

        private int Width => Categorical ? Classes : WeightedLossOpTests.Width;

        public (Tensor Loss, Tensor Input) Run(Tape tape, GpuLstm.Device.ComputeDevice device, float[] target)
        {
            var x = tape.Own(Tensor.FromArray(device, _input, [B, T, Width], "pred"));
            x.RequiresGrad = true;
            var mask = _masked ? tape.Own(Tensor.FromArray(device, Mask, [B, T], "mask")) : null;
            var w = _weights is null ? null : tape.Own(Tensor.FromArray(device, _weights, _weights.Length == B ? [B] : [B, T], "weights"));
            var t = tape.Own(Tensor.FromArray(device, target, Sparse ? [B, T] : [B, T, Width], "target"));
            bool softmax = _kind is Kind.SparseSoftmax or Kind.DenseSoftmax;
            var pred = (softmax ? SoftmaxOp.Forward(tape, x) : x).WithMask(mask);
            bool logits = _kind is Kind.BceLogits or Kind.SparseLogits or Kind.DenseLogits;
            var loss = _kind switch
            {
                Kind.BceProbabilities or Kind.BceLogits => LossOps.BinaryCrossEntropy(tape, pred, t, logits, w),
                Kind.Mse => LossOps.MeanSquaredError(tape, pred, t, w),
                Kind.Mae => LossOps.MeanAbsoluteError(tape, pred, t, w),
                _ => LossOps.CategoricalCrossEntropy(tape, pred, t, Sparse, logits, w),
            };
            return (loss, x);
        }

        /// <summary>Keras: per-term values [B, T], sample weights broadcast over T, mask [B, T].</summary>
        public double Reference()
        {
            var target = TestData.ToDouble(Target);
            bool logits = _kind is Kind.BceLogits or Kind.SparseLogits or Kind.DenseLogits or Kind.SparseSoftmax or Kind.DenseSoftmax;
            double[] terms = _kind switch
            {
                Kind.BceProbabilities or Kind.BceLogits => RefLosses.BinaryCrossEntropyTerms(Input, target, logits, Width),
                Kind.Mse => RefLosses.RegressionTerms(Input, target, absolute: false, Width),
                Kind.Mae => RefLosses.RegressionTerms(Input, target, absolute: true, Width),
                _ => RefLosses.CategoricalCrossEntropyTerms(Input, target, Classes, Sparse, logits),
            };
            double[]? weights = _weights is null ? null
                : Enumerable.Range(0, B * T).Select(i => (double)_weights[_weights.Length == B ? i / T : i]).ToArray();
            return RefLosses.KerasReduce(terms, weights, _masked ? TestData.ToDouble(Mask) : null);
        }
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuWeightedLossOpTests(CpuFixture fixture) : WeightedLossOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedWeightedLossOpTests(CpuLaunchedFixture fixture) : WeightedLossOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaWeightedLossOpTests(CudaFixture fixture) : WeightedLossOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClWeightedLossOpTests(OpenClFixture fixture) : WeightedLossOpTests(fixture);
