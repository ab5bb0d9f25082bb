using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>
/// Fit/Evaluate with masks, sample weights and class weights, against Keras's reductions computed
/// on the host from Predict: padded steps count for nothing, weights scale each sample or step.
/// </summary>
public abstract class SampleWeightTests(DeviceFixture fixture)
{
    private const int N = 8, T = 6;
    private ComputeDevice Device => fixture.Device;

    /// <summary>Embedding(maskZero) -> LSTM(return_sequences) -> per-step sigmoid: the output carries the mask.</summary>
    private Sequential Tagger(int seed = 1)
    {
        var model = new Sequential(device: Device, seed: seed);
        model.Add(new Embedding(12, 4, maskZero: true, inputLength: T));
        model.Add(new Lstm(6, returnSequences: true));
        model.Add(new TimeDistributed(new Dense(1, activation: "sigmoid")));
        model.Compile(new GpuLstm.Optimizers.Adam(0.01f), "binary_crossentropy", ["accuracy", "precision", "auc"]);
        return model;
    }

    private Sequential Classifier(int seed = 1)
    {
        var model = new Sequential(device: Device, seed: seed);
        model.Add(new Lstm(5, inputShape: (T, 3)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(new GpuLstm.Optimizers.Adam(0.01f), "binary_crossentropy", ["accuracy"]);
        return model;
    }

    private static (HostArray X, HostArray Y, float[] Mask) TaggerData(int seed)
    {
        var rng = new Random(seed);
        var x = new float[N * T];
        var mask = new float[N * T];
        for (int s = 0; s < N; s++)
        {
            int length = rng.Next(2, T + 1);
            for (int t = 0; t < length; t++)
                (x[s * T + t], mask[s * T + t]) = (rng.Next(1, 12), 1f);
        }
        var y = Enumerable.Range(0, N * T).Select(_ => rng.Next(2) * 1f).ToArray();
        return (new HostArray(x, N, T), new HostArray(y, N, T, 1), mask);
    }

    private static (HostArray X, HostArray Y) ClassifierData(int seed)
    {
        var x = TestData.Uniform(seed, N * T * 3);
        var y = Enumerable.Range(0, N).Select(i => (float)((i * 7 + seed) % 3 == 0 ? 1 : 0)).ToArray();
        return (new HostArray(x, N, T, 3), new HostArray(y, N, 1));
    }

    private static double Bce(double p, double y)
    {
        p = Math.Clamp(p, 1e-7, 1 - 1e-7);
        return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));
    }

    [SkippableFact]
    public void PaddedTargetsChangeNeitherLossNorMetrics()
    {
        using var model = Tagger();
        var (x, y, mask) = TaggerData(2);
        var flipped = y.Data.Select((v, i) => mask[i] == 0 ? 1f - v : v).ToArray();
        var a = model.Evaluate(x, y, batchSize: 3);
        var b = model.Evaluate(x, new HostArray(flipped, N, T, 1), batchSize: 3);
        Assert.Equal(a, b);
        // And the loss is the mean over real steps (Keras apply_mask): one batch of all N.
        var p = model.Predict(x).Data;
        double valid = mask.Sum(), loss = 0, hits = 0;
        for (int i = 0; i < N * T; i++)
        {
            loss += mask[i] * Bce(p[i], y.Data[i]);
            hits += mask[i] * ((p[i] > 0.5f) == (y.Data[i] > 0.5f) ? 1 : 0);
        }
        var logs = model.Evaluate(x, y, batchSize: N);
        Assert.Equal(loss / valid, logs["loss"], 5);
        Assert.Equal(hits / valid, logs["accuracy"], 5);
    }

    [SkippableFact]
    public void PerStepWeightsCombineWithTheMask()
    {
        using var model = Tagger();
        var (x, y, mask) = TaggerData(3);
        var w = Enumerable.Range(0, N * T).Select(i => (float)(i % 5) * 0.5f).ToArray(); // [N, T], some 0
        var logs = model.Evaluate(x, y, batchSize: N, sampleWeight: new HostArray(w, N, T));
        var p = model.Predict(x).Data;
        double valid = mask.Sum(), loss = 0, hits = 0, weight = 0;
        for (int i = 0; i < N * T; i++)
        {
            loss += w[i] * mask[i] * Bce(p[i], y.Data[i]);
            hits += w[i] * mask[i] * ((p[i] > 0.5f) == (y.Data[i] > 0.5f) ? 1 : 0);
            weight += w[i] * mask[i];
        }
        Assert.Equal(loss / valid, logs["loss"], 5); // sum(l * w * mask) / valid
        Assert.Equal(hits / weight, logs["accuracy"], 5); // weighted mean over real steps
        // A flat float[] of N * T reads as [N, T].
        Assert.Equal(logs, model.Evaluate(x, y, batchSize: N, sampleWeight: w));
    }

    [SkippableFact]
    public void SampleWeightsScaleEachSamplesLossOverEveryBatch()
    {
        using var model = Classifier();
        var (x, y) = ClassifierData(4);
        float[] w = [1f, 0f, 2f, 0.5f, 1f, 3f, 0f, 1f];
        var logs = model.Evaluate(x, y, batchSize: 3, sampleWeight: w);
        var p = model.Predict(x).Data;
        double loss = 0, hits = 0;
        for (int i = 0; i < N; i++)
        {
            loss += w[i] * Bce(p[i], y.Data[i]);
            hits += w[i] * ((p[i] > 0.5f) == (y.Data[i] > 0.5f) ? 1 : 0);
        }
        // sum_over_batch_size per batch, batches weighted by their size: sum(w * l) / N overall.
        Assert.Equal(loss / N, logs["loss"], 5);
        Assert.Equal(hits / w.Sum(), logs["accuracy"], 5);
        Assert.Equal(logs, model.TestOnBatch(x, y, new HostArray(w, N)).ToDictionary(), new LogsComparer(1e-6));
    }

    [SkippableFact]
    public void ClassWeightsTrainExactlyAsTheSampleWeightsOfEachLabel()
    {
        using var a = Classifier(seed: 3);
        using var b = Classifier(seed: 3);
        var (x, y) = ClassifierData(5);
        var classWeight = new Dictionary<int, float> { [0] = 0.25f }; // class 1 is missing: weight 1 (Keras 3)
        var byClass = a.TrainOnBatch(x, y, classWeight: classWeight);
        var bySample = b.TrainOnBatch(x, y, y.Data.Select(v => v == 0 ? 0.25f : 1f).ToArray());
        Assert.Equal(bySample, byClass);
        Assert.Equal(b.Predict(x).Data, a.Predict(x).Data);
        var fa = a.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false, classWeight: classWeight);
        var fb = b.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false, sampleWeight: y.Data.Select(v => v == 0 ? 0.25f : 1f).ToArray());
        Assert.Equal(fb["loss"], fa["loss"]);
    }

    [SkippableFact]
    public void ValidationDataTakesSampleWeightsAsAThirdElement()
    {
        using var model = Classifier();
        var (x, y) = ClassifierData(6);
        var (xv, yv) = ClassifierData(7);
        float[] wv = [0f, 1f, 1f, 2f, 0f, 1f, 1f, 3f];
        var history = model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0, validationData: (xv, yv, new HostArray(wv, N)));
        var evaluated = model.Evaluate(xv, yv, batchSize: 4, sampleWeight: wv);
        Assert.Equal(evaluated["loss"], history["val_loss"][0], 6);
        Assert.Equal(evaluated["accuracy"], history["val_accuracy"][0], 6);
        Assert.NotEqual(model.Evaluate(xv, yv, batchSize: 4)["loss"], evaluated["loss"], 6);
    }

    [SkippableFact]
    public void BadWeightsAreRejectedBeforeTheFirstStepNamingTheArgument()
    {
        using var tagger = Tagger();
        var (x, y, _) = TaggerData(8);
        var e = Assert.Throws<ArgumentException>(() => tagger.Fit(x, y, verbose: 0, sampleWeight: new float[5]));
        Assert.Contains("Fit sampleWeight", e.Message);
        Assert.Contains($"[{N}]", e.Message);
        Assert.Contains($"[{N}, {T}]", e.Message);
        Assert.Contains("[5]", e.Message);
        var negative = Enumerable.Repeat(1f, N).ToArray();
        negative[3] = -1f;
        e = Assert.Throws<ArgumentException>(() => tagger.Evaluate(x, y, sampleWeight: negative));
        Assert.Contains("Evaluate sampleWeight", e.Message);
        Assert.Contains("-1", e.Message);
        negative[3] = float.NaN;
        e = Assert.Throws<ArgumentException>(() => tagger.TrainOnBatch(x, y, negative));
        Assert.Contains("NaN", e.Message);
        e = Assert.Throws<ArgumentException>(() => tagger.Fit(x, y, verbose: 0, classWeight: new Dictionary<int, float> { [0] = 1f }));
        Assert.Contains("classWeight needs one class per sample", e.Message);
        e = Assert.Throws<ArgumentException>(() => tagger.Fit(x, y, verbose: 0, validationData: (x, y, new HostArray(new float[3], 3))));
        Assert.Contains("Fit validation data sampleWeight", e.Message);

        using var classifier = Classifier();
        var (cx, cy) = ClassifierData(9);
        e = Assert.Throws<ArgumentException>(() => classifier.Fit(cx, cy, verbose: 0, sampleWeight: Enumerable.Repeat(1f, N).ToArray(),
            classWeight: new Dictionary<int, float> { [1] = 2f }));
        Assert.Contains("not both", e.Message);
        e = Assert.Throws<ArgumentException>(() => classifier.Fit(cx, cy, verbose: 0, classWeight: new Dictionary<int, float> { [1] = float.NaN }));
        Assert.Contains("classWeight[1]", e.Message);
        Assert.Null(classifier.History); // rejected before training began
    }

    [SkippableFact]
    public void WeightedMaskedStepAllocatesNothingAndTransfersOnce()
    {
        using var model = Tagger();
        var rng = new Random(10);
        int n = 32;
        var x = Enumerable.Range(0, n * T).Select(i => i % T < 2 + i / T % (T - 1) ? rng.Next(1, 12) * 1f : 0f).ToArray();
        var y = Enumerable.Range(0, n * T).Select(_ => rng.Next(2) * 1f).ToArray();
        var w = Enumerable.Range(0, n * T).Select(_ => (float)rng.NextDouble()).ToArray();
        var probe = new CounterProbe(Device);
        model.Fit(new HostArray(x, n, T), new HostArray(y, n, T, 1), batchSize: 8, epochs: 3, verbose: 0, sampleWeight: new HostArray(w, n, T),
            callbacks: [probe]);
        var steady = probe.Steps.Skip(4).ToList(); // epochs 2 and 3 (4 steps each)
        Assert.Equal(8, steady.Count);
        Assert.All(steady, s => Assert.Equal(0, s.Allocations));
        Assert.All(steady, s => Assert.Equal(1, s.Transfers));
    }

    private sealed class CounterProbe(ComputeDevice device) : Callback
    {
        private CounterSnapshot _before;

        public List<CounterSnapshot> Steps { get; } = [];

        public override void OnBatchBegin(Model model, int batch) => _before = device.Counters.Snapshot();

        public override void OnBatchEnd(Model model, int batch, IReadOnlyDictionary<string, double> logs) =>
            Steps.Add(device.Counters.Snapshot() - _before);
    }

    private sealed class LogsComparer(double tolerance) : IEqualityComparer<Dictionary<string, double>>
    {
        public bool Equals(Dictionary<string, double>? a, Dictionary<string, double>? b) =>
            a!.Count == b!.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && Math.Abs(v - kv.Value) <= tolerance);

        public int GetHashCode(Dictionary<string, double> obj) => obj.Count;
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuSampleWeightTests(CpuFixture fixture) : SampleWeightTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaSampleWeightTests(CudaFixture fixture) : SampleWeightTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClSampleWeightTests(OpenClFixture fixture) : SampleWeightTests(fixture);
