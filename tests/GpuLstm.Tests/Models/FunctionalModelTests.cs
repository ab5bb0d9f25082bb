using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Tests.IO;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>The functional API: Input, Apply, Model(inputs, outputs), return_state/initial_state, shared layers.</summary>
public sealed class FunctionalModelTests : IDisposable
{
    private readonly ComputeDevice _device = ComputeDevice.Create(DeviceKind.Cpu);

    public void Dispose() => _device.Dispose();

    /// <summary>The issue's encoder-decoder, written as in Keras.</summary>
    private Model EncoderDecoder(int units = 256, int encoderFeatures = 27, int decoderFeatures = 40, int seed = 0)
    {
        var encoderIn = new Input([null, encoderFeatures]);
        SymbolicTensor[] enc = new Lstm(units, returnState: true).ApplyWithState(encoderIn);  // output, h, c
        var decoderIn = new Input([null, decoderFeatures]);
        var seq = new Lstm(units, returnSequences: true).Apply(decoderIn, initialState: [enc[1], enc[2]]);
        var probs = new Dense(decoderFeatures, activation: "softmax").Apply(seq);
        return new Model([encoderIn, decoderIn], probs, device: _device, seed: seed);
    }

    [Fact]
    public void EncoderDecoderSummaryMatchesKeras()
    {
        using var model = EncoderDecoder();
        model.Compile("rmsprop", "categorical_crossentropy", ["accuracy"]);
        Assert.Equal(KerasFunctionalSummaries.EncoderDecoder.ReplaceLineEndings("\n"), model.SummaryText());
    }

    [Fact]
    public void ChainSummaryPrintsLikeSequentialWithInputRow()
    {
        var input = new Input([10, 50]);
        var output = new Dense(1, activation: "sigmoid").Apply(new Lstm(128).Apply(input));
        using var model = new Model(input, output, "chain", _device);
        Assert.Equal(KerasFunctionalSummaries.Chain.ReplaceLineEndings("\n"), model.SummaryText());
    }

    [Fact]
    public void SharedLayerHasOneWeightSetAndConnectsTwice()
    {
        using var model = Siamese(out _);
        Assert.Equal(KerasFunctionalSummaries.Siamese.ReplaceLineEndings("\n"), model.SummaryText());
        model.Build();
        Assert.Equal(["shared/kernel", "shared/bias", "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"],
            model.Parameters!.Parameters.Select(p => p.Name));
    }

    private Model Siamese(out Dense shared, int seed = 0)
    {
        var left = new Input([8], "left");
        var right = new Input([8], "right");
        shared = new Dense(4, activation: "tanh", name: "shared");
        var a = new Dense(1).Apply(shared.Apply(left));
        var b = new Dense(1).Apply(shared.Apply(right));
        return new Model([left, right], [a, b], "siamese", _device, seed);
    }

    [Fact]
    public void ChainTrainsBitIdenticallyToTheSameSequential()
    {
        var (x, y) = Sine(64, steps: 6);
        var input = new Input([6, 1]);
        var output = new Dense(1).Apply(new Lstm(8).Apply(input));
        using var functional = new Model(input, output, device: _device, seed: 5);
        using var sequential = new Sequential(device: _device, seed: 5);
        sequential.Add(new Lstm(8, inputShape: (6, 1)));
        sequential.Add(new Dense(1));
        functional.Compile("adam", "mse");
        sequential.Compile("adam", "mse");
        var hf = functional.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0);
        var hs = sequential.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0);
        Assert.Equal(hs["loss"], hf["loss"]);
        Assert.Equal(sequential.Predict(x).Data, functional.Predict(x).Data);
    }

    [Fact]
    public void InitialStatesReachTheDecoder()
    {
        using var model = EncoderDecoder(units: 5, encoderFeatures: 3, decoderFeatures: 4, seed: 1);
        var rng = new Random(3);
        var xe = new HostArray(Enumerable.Range(0, 2 * 6 * 3).Select(_ => (float)rng.NextDouble()).ToArray(), 2, 6, 3);
        var xd = new HostArray(Enumerable.Range(0, 2 * 4 * 4).Select(_ => (float)rng.NextDouble()).ToArray(), 2, 4, 4);
        var predicted = model.Predict([xe, xd])[0];
        Assert.Equal([2, 4, 4], predicted.Shape);

        // The same computation by hand through the layers' public calls.
        var encoder = (Lstm)model.Layers[0];
        var decoder = (Lstm)model.Layers[1];
        var dense = model.Layers[2];
        using var tape = new Tape(_device);
        var context = new LayerContext(tape, training: false, new Random(0));
        var states = encoder.Call(context, tape.Own(Tensor.FromArray(_device, xe.Data, xe.Shape))).States;
        var seq = decoder.Call(context, tape.Own(Tensor.FromArray(_device, xd.Data, xd.Shape)), states).Output;
        Compare.Close("decoder output", dense.ForwardOn(context, seq).ToArray(), predicted.Data);
        // Without the encoder's states the decoder gives something else: the states do matter.
        var alone = decoder.Call(context, tape.Own(Tensor.FromArray(_device, xd.Data, xd.Shape))).Output;
        Assert.NotEqual(dense.ForwardOn(context, alone).ToArray(), predicted.Data);
    }

    [Fact]
    public void TwoInputsTwoOutputsTrainWithPerOutputLogs()
    {
        using var model = Siamese(out _, seed: 3);
        var rng = new Random(1);
        int n = 128;
        var xl = Enumerable.Range(0, n * 8).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var xr = Enumerable.Range(0, n * 8).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var yl = Enumerable.Range(0, n).Select(i => xl.Skip(i * 8).Take(8).Sum()).ToArray();
        var yr = Enumerable.Range(0, n).Select(i => -xr.Skip(i * 8).Take(8).Sum()).ToArray();
        model.Compile(new GpuLstm.Optimizers.Adam(0.02f), "mse", ["mae"]);
        var history = model.Fit([new HostArray(xl, n, 8), new HostArray(xr, n, 8)], [yl, yr], batchSize: 32, epochs: 30, verbose: 0,
            validationSplit: 0.25f);
        foreach (string key in new[] { "loss", "dense_loss", "dense_1_loss", "dense_mae", "dense_1_mae", "val_loss", "val_dense_loss" })
            Assert.True(history.Values.ContainsKey(key), $"missing {key}; have {string.Join(", ", history.Values.Keys)}");
        for (int e = 0; e < history["loss"].Count; e++)
            Assert.Equal(history["dense_loss"][e] + history["dense_1_loss"][e], history["loss"][e], 6);
        Assert.True(history["loss"][^1] < 0.3 * history["loss"][0], $"loss {history["loss"][0]:F4} -> {history["loss"][^1]:F4}");
        var scores = model.Evaluate([new HostArray(xl, n, 8), new HostArray(xr, n, 8)], [yl, yr]);
        Assert.Equal(scores["dense_loss"] + scores["dense_1_loss"], scores["loss"], 6);
    }

    [Fact]
    public void EncoderDecoderLearnsToCopyTheEncodedSymbol()
    {
        // The decoder must emit, at every step, the class the encoder saw first: only the states carry it.
        int n = 256, classes = 3, encSteps = 4, decSteps = 3;
        var rng = new Random(2);
        var xe = new float[n * encSteps * classes];
        var xd = new float[n * decSteps * classes];
        var y = new float[n * decSteps * classes];
        for (int i = 0; i < n; i++)
        {
            int c = rng.Next(classes);
            xe[i * encSteps * classes + c] = 1f;
            for (int t = 1; t < encSteps; t++)
                xe[(i * encSteps + t) * classes + rng.Next(classes)] = 1f;
            for (int t = 0; t < decSteps; t++)
                y[(i * decSteps + t) * classes + c] = 1f;
        }
        using var model = EncoderDecoder(units: 16, encoderFeatures: classes, decoderFeatures: classes, seed: 4);
        model.Compile(new GpuLstm.Optimizers.Adam(0.02f), "categorical_crossentropy", ["accuracy"]);
        var history = model.Fit([new HostArray(xe, n, encSteps, classes), new HostArray(xd, n, decSteps, classes)],
            [new HostArray(y, n, decSteps, classes)], batchSize: 32, epochs: 25, verbose: 0);
        Assert.True(history["accuracy"][^1] > 0.95, $"accuracy {history["accuracy"][^1]:F3}");
    }

    [Fact]
    public void SaveAndLoadKeepTheGraphWeightsAndTraining()
    {
        using var dir = new TempDirectory();
        var (xe, xd, y) = (Random(1, 16, 5, 3), Random(2, 16, 4, 4), Random(3, 16, 4, 4));
        using var model = EncoderDecoder(units: 6, encoderFeatures: 3, decoderFeatures: 4, seed: 2);
        model.Compile("adam", "mse");
        model.Fit([xe, xd], [y], batchSize: 8, epochs: 1, verbose: 0);
        model.Save(dir.File("m.safetensors"));
        var continued = model.Fit([xe, xd], [y], batchSize: 8, epochs: 2, verbose: 0)["loss"];

        using var loaded = Model.Load(dir.File("m.safetensors"), _device);
        Assert.IsNotType<Sequential>(loaded);
        Assert.Equal(model.SummaryText(), loaded.SummaryText());
        var resumed = loaded.Fit([xe, xd], [y], batchSize: 8, epochs: 2, verbose: 0)["loss"];
        Assert.Equal(continued, resumed);
        Assert.Equal(model.Predict([xe, xd])[0].Data, loaded.Predict([xe, xd])[0].Data);
        var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(dir.File("m.safetensors"), _device));
        Assert.Contains("Model.Load", e.Message);
    }

    [Fact]
    public void MisuseGivesClearErrors()
    {
        var input = new Input([null, 3]);
        Assert.Contains("returnState: true", Assert.Throws<InvalidOperationException>(() => new Lstm(4).ApplyWithState(input)).Message);
        Assert.Contains("ApplyWithState", Assert.Throws<InvalidOperationException>(() => new Lstm(4, returnState: true).Apply(input)).Message);
        var states = new Lstm(4, returnState: true).ApplyWithState(input);
        Assert.Contains("2 tensor(s)", Assert.Throws<ArgumentException>(() => new Lstm(4).Apply(input, [states[1]])).Message);
        Assert.Contains("(None, 4)", Assert.Throws<ArgumentException>(() => new Lstm(5).Apply(input, [states[1], states[2]])).Message);

        var dense = new Dense(2);
        dense.Apply(new Input([3]));
        Assert.Contains("shared layer", Assert.Throws<ArgumentException>(() => dense.Apply(new Input([4]))).Message);

        var other = new Input([3]);
        var fromOther = new Dense(1).Apply(other);
        Assert.Contains("not among the model's inputs", Assert.Throws<ArgumentException>(() => new Model(new Input([3]), fromOther, device: _device)).Message);

        var x = new Input([3]);
        var layer = new Dense(1);
        using var first = new Model(x, layer.Apply(x), "first", _device);
        var e = Assert.Throws<ArgumentException>(() => new Model(x, layer.Apply(x), "second", _device));
        Assert.Contains("already belongs to model 'first'", e.Message);

        first.Compile("adam", "mse");
        var wrongCount = Assert.Throws<ArgumentException>(() => first.Fit([new float[] { 1, 2, 3 }, new float[] { 1 }], [new float[] { 1 }], verbose: 0));
        Assert.Contains("1 input(s)", wrongCount.Message);
        var wrongShape = Assert.Throws<ArgumentException>(() => first.Fit(new HostArray(new float[8], 2, 4), new float[] { 1, 2 }, verbose: 0));
        Assert.Contains("(None, 3)", wrongShape.Message);
        Assert.Contains("got 2 loss(es)", Assert.Throws<ArgumentException>(() =>
            first.Compile(new GpuLstm.Optimizers.Adam(), [Losses.LossFunction.MeanSquaredError(), Losses.LossFunction.MeanSquaredError()])).Message);
    }

    private static HostArray Random(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        return new HostArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)rng.NextDouble()).ToArray(), shape);
    }

    private static (HostArray X, HostArray Y) Sine(int n, int steps)
    {
        var x = new float[n * steps];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < steps; t++)
                x[i * steps + t] = MathF.Sin(0.3f * (i + t));
            y[i] = MathF.Sin(0.3f * (i + steps));
        }
        return (new HostArray(x, n, steps, 1), new HostArray(y, n, 1));
    }
}
