using GpuLstm.Device;
using GpuLstm.Losses;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// Metrics through EpochStats (device totals over several batches, one read): precision, recall and
/// AUC against Keras's formulas, the mean metrics against weighted means, sample weights and masks included.
/// </summary>
public abstract class MetricOpTests(DeviceFixture fixture)
{
    private ComputeDevice Device => fixture.Device;

    [SkippableFact]
    public void ConfusionMetricsMatchKerasNumbersComputedWithNumpy()
    {
        // Fixtures/keras_confusion_reference.py prints these for the same input.
        float[] pred = [0.05f, 0.9f, 0.4f, 0.65f, 0.5f, 0.2f, 0.99f, 0.3f, 0.75f, 0.55f, 0.1f, 0.8f];
        float[] target = [0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0];
        float[] weight = [1, 2, 0.5f, 1, 1, 3, 1, 0, 1, 1.5f, 1, 0.25f];
        var logs = Run(["precision", "recall", "auc"], LossFunction.BinaryCrossentropy(), pred, target, [6, 1], weight, mask: null, batches: 2);
        Assert.Equal(0.8148148, logs["precision"], 6);
        Assert.Equal(0.7857143, logs["recall"], 6);
        Assert.Equal(0.9085714, logs["auc"], 6);
    }

    [SkippableFact]
    public void ConfusionMetricsMatchThresholdReferenceWithMaskAndStepWeights()
    {
        // [B, T, 1] = [40, 60, 1]: 2400 elements per batch span several work-item slices.
        int b = 40, t = 60, n = b * t;
        var rng = new Random(3);
        var target = Enumerable.Range(0, 2 * n).Select(_ => rng.Next(2) * 1f).ToArray();
        var pred = target.Select(y => (float)Math.Clamp(0.3 * y + 0.7 * rng.NextDouble(), 0, 1)).ToArray();
        var weight = Enumerable.Range(0, 2 * n).Select(_ => (float)rng.NextDouble() * 2).ToArray();
        var mask = Enumerable.Range(0, 2 * n).Select(i => i % t < 10 + i / t % 50 ? 1f : 0f).ToArray();
        var logs = Run(["precision", "recall", "auc"], LossFunction.BinaryCrossentropy(), pred, target, [b, t, 1], weight, mask, batches: 2);

        var w = weight.Select((v, i) => (double)v * mask[i]).ToArray();
        double[] thresholds = [-1e-7, .. Enumerable.Range(1, 198).Select(i => i / 199.0), 1 + 1e-7];
        var (tp, fp, tn, fn) = Counts(pred, target, w, 0.5);
        Assert.Equal(tp / (tp + fp), logs["precision"], 5);
        Assert.Equal(tp / (tp + fn), logs["recall"], 5);
        double auc = 0;
        for (int i = 0; i + 1 < thresholds.Length; i++)
        {
            var a = Counts(pred, target, w, thresholds[i]);
            var c = Counts(pred, target, w, thresholds[i + 1]);
            double fprA = a.Fp / (a.Fp + a.Tn), fprC = c.Fp / (c.Fp + c.Tn);
            auc += (fprA - fprC) * (a.Tp / (a.Tp + a.Fn) + c.Tp / (c.Tp + c.Fn)) / 2;
        }
        Assert.InRange(auc, 0.6, 0.95); // a task between chance and perfect, so the curve matters
        Assert.Equal(auc, logs["auc"], 5);
    }

    [SkippableTheory]
    [InlineData("binary_accuracy")]
    [InlineData("mae")]
    [InlineData("categorical_accuracy")]
    [InlineData("sparse_categorical_accuracy")]
    public void MeanMetricsAreWeightedMeansOverRealSteps(string name)
    {
        int b = 5, t = 3, classes = name == "binary_accuracy" || name == "mae" ? 2 : 4;
        bool sparse = name == "sparse_categorical_accuracy";
        var rng = new Random(9);
        var pred = Enumerable.Range(0, 2 * b * t * classes).Select(_ => (float)rng.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, 2 * b * t).Select(_ => rng.Next(classes)).ToArray();
        var target = sparse ? labels.Select(l => (float)l).ToArray()
            : name == "categorical_accuracy" ? Enumerable.Range(0, pred.Length).Select(i => labels[i / classes] == i % classes ? 1f : 0f).ToArray()
            : Enumerable.Range(0, pred.Length).Select(_ => rng.Next(2) * 1f).ToArray();
        var weight = Enumerable.Range(0, 2 * b).Select(i => i % 3 * 0.5f).ToArray(); // per sample, some 0
        var mask = Enumerable.Range(0, 2 * b * t).Select(i => i % 4 == 3 ? 0f : 1f).ToArray();
        var loss = sparse ? LossFunction.SparseCategoricalCrossentropy()
            : name == "categorical_accuracy" ? LossFunction.CategoricalCrossentropy() : LossFunction.BinaryCrossentropy();
        var logs = Run([name], loss, pred, target, [b, t, classes], weight, mask, batches: 2, sparseTarget: sparse);

        double sum = 0, total = 0;
        for (int r = 0; r < 2 * b * t; r++)
        {
            double w = weight[r / t] * mask[r];
            for (int k = 0; k < (name is "binary_accuracy" or "mae" ? classes : 1); k++)
            {
                int e = r * classes + k;
                double value = name switch
                {
                    "binary_accuracy" => (pred[e] > 0.5f) == (target[e] > 0.5f) ? 1 : 0,
                    "mae" => Math.Abs(pred[e] - target[e]),
                    _ => ArgMax(pred, r * classes, classes) == labels[r] ? 1 : 0,
                };
                sum += w * value;
                total += w;
            }
        }
        Assert.Equal(sum / total, logs[name], 5);
    }

    [Fact]
    public void ConfusionMetricsNeedDenseTargetsAndUnknownNamesListTheMetrics()
    {
        var e = Assert.Throws<ArgumentException>(() => Metric.FromName("auc", LossFunction.SparseCategoricalCrossentropy()));
        Assert.Contains("'auc'", e.Message);
        Assert.Contains("sparse_categorical_crossentropy", e.Message);
        var unknown = Assert.Throws<ArgumentException>(() => Metric.FromName("f1_score", LossFunction.BinaryCrossentropy()));
        Assert.Contains("'f1_score'", unknown.Message);
        Assert.All(Metric.Names, n => Assert.Contains(n, unknown.Message));
        var logits = Metric.FromName("precision", LossFunction.BinaryCrossentropy(fromLogits: true));
        Assert.Equal(0f, logits.Threshold);
        Assert.True(Metric.FromName("auc", LossFunction.BinaryCrossentropy(fromLogits: true)).FromLogits);
    }

    /// <summary>Feeds the data as <paramref name="batches"/> equal batches through one EpochStats and reads once.</summary>
    private Dictionary<string, double> Run(string[] names, LossFunction loss, float[] pred, float[] target, int[] batchShape,
        float[]? weight, float[]? mask, int batches, bool sparseTarget = false)
    {
        var metrics = names.Select(n => Metric.FromName(n, loss)).ToList();
        using var stats = new EpochStats(Device, metrics);
        using var zero = Tensor.Zeros(Device, [1], "loss");
        int b = batchShape[0], perBatch = pred.Length / batches, targetPerBatch = target.Length / batches;
        int[] maskShape = [b, batchShape[1]];
        for (int i = 0; i < batches; i++)
        {
            using var tp = Tensor.FromArray(Device, pred.AsSpan(i * perBatch, perBatch), batchShape, "pred");
            using var tt = Tensor.FromArray(Device, target.AsSpan(i * targetPerBatch, targetPerBatch),
                sparseTarget ? batchShape[..^1] : batchShape, "target");
            int wLength = weight is null ? 0 : weight.Length / batches;
            using var tw = weight is null ? null
                : Tensor.FromArray(Device, weight.AsSpan(i * wLength, wLength), wLength == b ? [b] : maskShape, "weight");
            using var tm = mask is null ? null : Tensor.FromArray(Device, mask.AsSpan(i * b * batchShape[1], b * batchShape[1]), maskShape, "mask");
            stats.Add(zero, tp.WithMask(tm), tt, tw, b);
        }
        return stats.Read();
    }

    private static (double Tp, double Fp, double Tn, double Fn) Counts(float[] pred, float[] target, double[] w, double threshold)
    {
        double tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < pred.Length; i++)
        {
            bool positive = pred[i] > threshold;
            if (target[i] != 0)
                (tp, fn) = positive ? (tp + w[i], fn) : (tp, fn + w[i]);
            else
                (fp, tn) = positive ? (fp + w[i], tn) : (fp, tn + w[i]);
        }
        return (tp, fp, tn, fn);
    }

    private static int ArgMax(float[] x, int offset, int n)
    {
        int best = 0;
        for (int k = 1; k < n; k++)
        {
            if (x[offset + k] > x[offset + best])
                best = k;
        }
        return best;
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuMetricOpTests(CpuFixture fixture) : MetricOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedMetricOpTests(CpuLaunchedFixture fixture) : MetricOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaMetricOpTests(CudaFixture fixture) : MetricOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClMetricOpTests(OpenClFixture fixture) : MetricOpTests(fixture);
