using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>
/// Model.CheckData: NaN/infinities in x, y, validation data and sample weights, and labels a loss
/// cannot read, are refused on the host before any weight changes, naming the array, the first bad
/// element as a multi-index and its value; CheckData = false skips the scan. Host-side, so on the CPU only.
/// </summary>
public sealed class DataCheckTests : IDisposable
{
    private const int N = 16, T = 5, F = 3;
    private const string SkipHint = "set Model.CheckData = false to skip this check";
    private readonly ComputeDevice _device = ComputeDevice.Create(DeviceKind.Cpu);

    private static readonly HostArray X = new(TestData.Uniform(1, N * T * F), N, T, F);                            // [N, T, F]
    private static readonly HostArray Y = new(Enumerable.Range(0, N).Select(i => (float)(i % 2)).ToArray(), N, 1);  // [N, 1]
    private static readonly HostArray Flat = new(TestData.Uniform(2, N * 2), N, 2);                                  // [N, 2]
    private static readonly float[] Classes = Enumerable.Range(0, N).Select(i => (float)(i % 3)).ToArray();        // [N] in [0, 3)

    /// <summary>LSTM -> sigmoid, binary cross-entropy, built: its weights exist before the first Fit.</summary>
    private Sequential Sequence(string loss = "binary_crossentropy")
    {
        var model = new Sequential(device: _device, seed: 1);
        model.Add(new Lstm(4, inputShape: (T, F)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile("adam", loss);
        model.Build();
        return model;
    }

    /// <summary>Dense(3, softmax) named "probs" on [2] features, sparse categorical cross-entropy.</summary>
    private Sequential Softmax(LossFunction? loss = null)
    {
        var model = new Sequential(device: _device, seed: 2);
        model.Add(new Dense(3, activation: "softmax", inputShape: [2], name: "probs"));
        model.Compile(new GpuLstm.Optimizers.Adam(0.01f), loss ?? LossFunction.SparseCategoricalCrossentropy(), ["accuracy"]);
        model.Build();
        return model;
    }

    private static List<float[]> Weights(Model model) => model.GetWeights().Select(w => w.Data).ToList();

    private static HostArray With(HostArray a, int flat, float value)
    {
        var data = (float[])a.Data.Clone();
        data[flat] = value;
        return new HostArray(data, a.Shape);
    }

    /// <summary>Runs a call that must be refused; returns its message after checking the weights did not move.</summary>
    private static string Refused(Model model, Action call)
    {
        var before = Weights(model);
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Equal(before, Weights(model));
        Assert.Contains(SkipHint, e.Message);
        return e.Message;
    }

    [Fact]
    public void NonFiniteXIsRefusedByEveryCallNamingTheArrayTheIndexAndTheValue()
    {
        using var model = Sequence();
        var inf = With(X, (12 * T + 3) * F + 0, float.PositiveInfinity); // element [12, 3, 0]
        Assert.StartsWith("Fit x: element [12, 3, 0] is +Infinity (NaN and infinities cannot be trained on;",
            Refused(model, () => model.Fit(inf, Y, verbose: 0)));
        Assert.Null(model.History); // refused before training began
        var nan = With(X, (7 * T + 4) * F + 2, float.NaN);
        Assert.StartsWith("Evaluate x: element [7, 4, 2] is NaN", Refused(model, () => model.Evaluate(nan, Y)));
        Assert.StartsWith("TrainOnBatch x: element [7, 4, 2] is NaN", Refused(model, () => model.TrainOnBatch(nan, Y)));
        Assert.StartsWith("TestOnBatch x: element [7, 4, 2] is NaN", Refused(model, () => model.TestOnBatch(nan, Y)));
        var negative = With(X, 0, float.NegativeInfinity);
        Assert.StartsWith("Predict x: element [0, 0, 0] is -Infinity (NaN and infinities cannot be predicted from;",
            Refused(model, () => model.Predict(negative)));
        // The first bad element is named, not a later one.
        Assert.Contains("[7, 4, 2] is NaN", Refused(model, () => model.Fit(With(nan, X.Data.Length - 1, float.NaN), Y, verbose: 0)));
    }

    [Fact]
    public void NonFiniteTargetsAndValidationDataAreRefusedBeforeTraining()
    {
        using var model = Sequence("mean_squared_error");
        Assert.StartsWith("Fit y: element [4, 0] is NaN", Refused(model, () => model.Fit(X, With(Y, 4, float.NaN), verbose: 0)));
        Assert.StartsWith("Evaluate y: element [9, 0] is -Infinity", Refused(model, () => model.Evaluate(X, With(Y, 9, float.NegativeInfinity))));
        // y of shape [N] for a one-unit output is indexed as the caller gave it.
        Assert.StartsWith("Fit y: element [3] is +Infinity",
            Refused(model, () => model.Fit(X, new HostArray(With(Y, 3, float.PositiveInfinity).Data, N), verbose: 0)));

        var badX = With(X.Rows(0, 4), (2 * T + 1) * F + 1, float.NaN);
        Assert.StartsWith("Fit validation x: element [2, 1, 1] is NaN (NaN and infinities cannot be evaluated on;",
            Refused(model, () => model.Fit(X, Y, verbose: 0, validationData: (badX, Y.Rows(0, 4)))));
        Assert.StartsWith("Fit validation y: element [1, 0] is +Infinity",
            Refused(model, () => model.Fit(X, Y, verbose: 0, validationData: (X.Rows(0, 4), With(Y.Rows(0, 4), 1, float.PositiveInfinity)))));
        Assert.Null(model.History);
    }

    [Fact]
    public void BadSampleWeightsAreRefusedNamingTheArrayAndIndex()
    {
        using var model = Sequence();
        var ones = new HostArray(Enumerable.Repeat(1f, N).ToArray(), N);
        Assert.StartsWith("Fit sampleWeight: element [3] is NaN (sample weights must be finite and >= 0;",
            Refused(model, () => model.Fit(X, Y, verbose: 0, sampleWeight: With(ones, 3, float.NaN))));
        Assert.StartsWith("Fit validation data sampleWeight: element [2] is +Infinity",
            Refused(model, () => model.Fit(X, Y, verbose: 0,
                validationData: (X.Rows(0, 4), Y.Rows(0, 4), With(ones.Rows(0, 4), 2, float.PositiveInfinity)))));
        Assert.StartsWith("TrainOnBatch sampleWeight: element [5] is -1", Refused(model, () => model.TrainOnBatch(X, Y, With(ones, 5, -1f))));
        Assert.Null(model.History);
    }

    [Theory]
    [InlineData(3f, "3")]          // the class count itself
    [InlineData(7f, "7")]
    [InlineData(-1f, "-1")]
    [InlineData(1e9f, "1E+09")]
    [InlineData(1.5f, "1.5 (not an integer)")]
    public void SparseLabelsOutsideTheClassesAreRefusedNamingOutputIndexValueAndClassCount(float label, string shown)
    {
        using var model = Softmax();
        var y = new HostArray(Classes, N);
        y = With(y, 5, label);
        string message = Refused(model, () => model.Fit(Flat, y, verbose: 0));
        Assert.Equal("Fit y: sparse_categorical_crossentropy needs integer class ids in [0, 3) for output 'probs' (3 classes, its last axis); " +
            $"element [5] is {shown} (clean the data or {SkipHint}).", message);
        Assert.StartsWith("Evaluate y: sparse_categorical_crossentropy needs integer class ids in [0, 3)", Refused(model, () => model.Evaluate(Flat, y)));
        Assert.StartsWith("TrainOnBatch y:", Refused(model, () => model.TrainOnBatch(Flat, y)));
        Assert.Null(model.History);
    }

    [Fact]
    public void NaNSparseLabelIsRefusedAsNotANumberAndValidLabelsTrain()
    {
        using var model = Softmax();
        Assert.StartsWith("Fit y: element [0] is NaN", Refused(model, () => model.Fit(Flat, With(new HostArray(Classes, N), 0, float.NaN), verbose: 0)));
        // [N, 1] labels (a trailing 1) and every class id, 0 and classes - 1 included, are accepted.
        var history = model.Fit(Flat, new HostArray(Classes, N, 1), epochs: 2, verbose: 0);
        Assert.True(double.IsFinite(history["loss"][^1]) && history["loss"][^1] > 0, $"loss {history["loss"][^1]}");
    }

    [Theory]
    [InlineData(2f, false)]
    [InlineData(-1f, false)]
    [InlineData(2f, true)]
    [InlineData(-1f, true)]
    public void BinaryLabelsOutsideZeroOneAreRefused(float label, bool fromLogits)
    {
        using var model = new Sequential(device: _device, seed: 3);
        model.Add(new Dense(1, activation: fromLogits ? null : "sigmoid", inputShape: [2]));
        model.Compile(new GpuLstm.Optimizers.Adam(), LossFunction.BinaryCrossentropy(fromLogits));
        model.Build();
        string message = Refused(model, () => model.Fit(Flat, With(Y, 6, label), verbose: 0));
        Assert.StartsWith($"Fit y: binary_crossentropy needs targets in [0, 1] for output 'dense' (0/1 labels or soft labels); element [6, 0] is {label} (", message);

        // Soft labels (Keras allows them) train, to a positive loss.
        var soft = new HostArray(Enumerable.Range(0, N).Select(i => i / (N - 1f)).ToArray(), N, 1);
        var history = model.Fit(Flat, soft, epochs: 2, verbose: 0);
        Assert.True(history["loss"][^1] > 0, $"loss {history["loss"][^1]}");
    }

    [Fact]
    public void CategoricalTargetsMustNotBeNegativeWhileRegressionTargetsMayBeAnything()
    {
        using var model = Softmax(LossFunction.CategoricalCrossentropy());
        var oneHot = new HostArray(Classes.SelectMany(c => Enumerable.Range(0, 3).Select(k => k == c ? 1f : 0f)).ToArray(), N, 3);
        Assert.StartsWith("Fit y: categorical_crossentropy needs targets >= 0 for output 'probs' (one-hot rows or class probabilities); element [2, 1] is -0.5",
            Refused(model, () => model.Fit(Flat, With(oneHot, 2 * 3 + 1, -0.5f), verbose: 0)));
        model.Fit(Flat, oneHot, verbose: 0);

        using var regression = Sequence("mean_squared_error");
        var wide = new HostArray(Enumerable.Range(0, N).Select(i => (i - 8) * 1e6f).ToArray(), N, 1);
        Assert.True(double.IsFinite(regression.Fit(X, wide, verbose: 0)["loss"][0]));
    }

    [Fact]
    public void SeveralInputsAndOutputsAreNamedByPosition()
    {
        var left = new Input([2], "left");
        var right = new Input([2], "right");
        var probs = new Dense(3, activation: "softmax", name: "probs").Apply(left);
        var flag = new Dense(1, activation: "sigmoid", name: "flag").Apply(right);
        using var model = new Model([left, right], [probs, flag], device: _device, seed: 4);
        model.Compile("adam", ["sparse_categorical_crossentropy", "binary_crossentropy"]);
        model.Build();
        var labels = new HostArray(Classes, N);
        Assert.StartsWith("Fit x[1]: element [3, 1] is NaN",
            Refused(model, () => model.Fit([Flat, With(Flat, 3 * 2 + 1, float.NaN)], [labels, Y], verbose: 0)));
        Assert.StartsWith("Fit y[0] (probs): sparse_categorical_crossentropy needs integer class ids in [0, 3) for output 'probs'",
            Refused(model, () => model.Fit([Flat, Flat], [With(labels, 8, 3f), Y], verbose: 0)));
        Assert.StartsWith("Fit y[1] (flag): binary_crossentropy needs targets in [0, 1] for output 'flag'",
            Refused(model, () => model.Fit([Flat, Flat], [labels, With(Y, 2, 2f)], verbose: 0)));
        Assert.StartsWith("Fit sampleWeight[1]: element [4] is NaN",
            Refused(model, () => model.Fit([Flat, Flat], [labels, Y], verbose: 0,
                sampleWeight: [new HostArray(new float[N], N), With(new HostArray(new float[N], N), 4, float.NaN)])));
    }

    [Fact]
    public void SparseSequenceLabelsAreIndexedPerStep()
    {
        using var model = new Sequential(device: _device, seed: 5);
        model.Add(new Lstm(4, returnSequences: true, inputShape: (T, F)));
        model.Add(new TimeDistributed(new Dense(4, activation: "softmax")));
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Build();
        var labels = new HostArray(Enumerable.Range(0, N * T).Select(i => (float)(i % 4)).ToArray(), N, T);
        Assert.Contains("in [0, 4) for output 'time_distributed' (4 classes, its last axis); element [2, 4] is 4 (",
            Refused(model, () => model.Fit(X, With(labels, 2 * T + 4, 4f), verbose: 0)));
        model.Fit(X, labels, verbose: 0);
    }

    [Fact]
    public void CheckDataFalseSkipsTheScan()
    {
        using var model = Softmax();
        model.CheckData = false;
        // Out-of-range labels and a negative weight pass unscanned (the kernels read them as no class, a negative weight).
        var history = model.Fit(Flat, With(new HostArray(Classes, N), 5, 7f), verbose: 0,
            sampleWeight: With(new HostArray(Enumerable.Repeat(1f, N).ToArray(), N), 1, -1f));
        Assert.Equal(1, history.Epochs);
        Assert.Null(history.StopReason);

        using var sequence = Sequence();
        sequence.CheckData = false;
        var nan = With(X, 0, float.NaN);
        Assert.NotNull(sequence.Fit(nan, Y, batchSize: N, verbose: 0).StopReason); // it trained, and the NaN loss stopped it
        Assert.Equal(N, sequence.Predict(nan).Count);
    }

    [Fact]
    public void EmbeddingTokenIdsAreCheckedEvenWithoutTheDataCheck()
    {
        using var model = new Sequential(device: _device, seed: 6);
        model.Add(new Embedding(10, 4, inputLength: T));
        model.Add(new Lstm(3));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        model.CheckData = false;
        var tokens = new HostArray(Enumerable.Range(0, N * T).Select(i => (float)(i % 10)).ToArray(), N, T);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(With(tokens, 3, 10f), Y, verbose: 0));
        Assert.Contains("needs integer token ids in [0, 10)", e.Message);
    }

    [Fact]
    public void TheScanFindsTheFirstBadLaneInEveryPosition()
    {
        // Vector lanes and the scalar tail: a bad value at every offset of a length that is no multiple of the width.
        var data = Enumerable.Range(0, 37).Select(i => (float)(i % 5)).ToArray();
        Assert.Equal(-1, DataCheck.FirstOutside(data, 0f, 4f, integer: true));
        for (int i = 0; i < data.Length; i++)
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, -1f, 5f, 2.5f })
            {
                var copy = (float[])data.Clone();
                copy[i] = bad;
                Assert.Equal(i, DataCheck.FirstOutside(copy, 0f, 4f, integer: true));
            }
            var soft = (float[])data.Clone();
            soft[i] = 2.5f;
            Assert.Equal(-1, DataCheck.FirstOutside(soft, 0f, 4f, integer: false));
        }
    }

    public void Dispose() => _device.Dispose();
}
