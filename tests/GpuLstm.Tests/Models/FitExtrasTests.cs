using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>GetWeights/SetWeights and the Keras callbacks LearningRateScheduler, CSVLogger and TerminateOnNaN.</summary>
public sealed class FitExtrasTests
{
    private static Sequential Model(ComputeDevice device, int seed = 1)
    {
        var model = new Sequential(device: device, seed: seed);
        model.Add(new Dense(4, activation: "tanh", inputShape: [2]));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        return model;
    }

    private static readonly HostArray X = new(Enumerable.Range(0, 32).Select(i => (float)Math.Sin(i)).ToArray(), 16, 2);
    private static readonly HostArray Y = new(Enumerable.Range(0, 16).Select(i => (float)(i % 2)).ToArray(), 16, 1);

    [Fact]
    public void WeightsCopyBetweenModelsAndBadArraysChangeNothing()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var a = Model(device, seed: 1);
        using var b = Model(device, seed: 2);
        a.Build();
        b.Build();
        var weights = a.GetWeights();
        Assert.Equal([[2, 4], [4], [4, 1], [1]], weights.Select(w => w.Shape));
        var before = b.GetWeights().Select(w => w.Data).ToList();
        var wrong = weights.Select((w, i) => i == 2 ? new HostArray(new float[4], 1, 4) : w).ToList();
        var e = Assert.Throws<ArgumentException>(() => b.SetWeights(wrong));
        Assert.Contains("dense_1/kernel", e.Message);
        Assert.Contains("[4, 1]", e.Message);
        Assert.Equal(before, b.GetWeights().Select(w => w.Data));
        Assert.Throws<ArgumentException>(() => b.SetWeights(weights.Take(3).ToList()));
        b.SetWeights(weights);
        Assert.Equal(a.Predict(X).Data, b.Predict(X).Data);
    }

    [Fact]
    public void SchedulerSetsTheRateBeforeEachEpoch()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        var history = model.Fit(X, Y, batchSize: 8, epochs: 3, verbose: 0,
            callbacks: [new LearningRateScheduler((epoch, rate) => 0.1f / (epoch + 1))]);
        Assert.Equal(new[] { 0.1, 0.05, 0.033333 }, history["learning_rate"].Select(v => Math.Round(v, 6)));
        using var broken = Model(device);
        Assert.Throws<ArgumentException>(() => broken.Fit(X, Y, epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler((_, _) => float.NaN)]));
    }

    [Fact]
    public void CsvLoggerWritesOneRowPerEpoch()
    {
        using var temp = new TempDirectory();
        string path = temp.File("log.csv");
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        model.Fit(X, Y, batchSize: 8, epochs: 2, verbose: 0, callbacks: [new CsvLogger(path)]);
        var lines = File.ReadAllLines(path);
        Assert.Equal("epoch,loss,accuracy,learning_rate", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("1,", lines[2]);
        model.Fit(X, Y, batchSize: 8, epochs: 1, verbose: 0, callbacks: [new CsvLogger(path, append: true)]);
        Assert.Equal(4, File.ReadAllLines(path).Length); // no second header
    }

    [Fact]
    public void TerminateOnNaNStopsWhenAnEpochLogIsNotFinite()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        model.CheckData = false; // the data check would refuse the NaN before it reaches the logs
        var poisoned = new HostArray([float.NaN, 0f], 1, 2);
        var history = model.Fit(X, Y, batchSize: 8, epochs: 5, verbose: 0,
            validationData: (poisoned, new HostArray([1f], 1, 1)), callbacks: [new TerminateOnNaN()]);
        Assert.Equal(1, history.Epochs);
        Assert.True(double.IsNaN(history["val_loss"][0]));
    }

    [Fact]
    public void AdamWSavesLoadsAndResumesExactly()
    {
        using var temp = new TempDirectory();
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        model.Compile(new GpuLstm.Optimizers.AdamW(0.01f, weightDecay: 0.1f), "binary_crossentropy");
        model.Fit(X, Y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false);
        string path = temp.File("adamw.safetensors");
        model.Save(path);
        using var loaded = Sequential.Load(path, device);
        var adamW = Assert.IsType<GpuLstm.Optimizers.AdamW>(loaded.Optimizer);
        Assert.Equal(0.1f, adamW.WeightDecay);
        model.Fit(X, Y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false);
        loaded.Fit(X, Y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false);
        Assert.Equal(model.GetWeights().Select(w => w.Data), loaded.GetWeights().Select(w => w.Data));
    }

    [Fact]
    public void OnBatchMethodsMatchOneStepOfFit()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var a = Model(device);
        using var b = Model(device);
        var logs = a.TrainOnBatch(X, Y);
        var history = b.Fit(X, Y, batchSize: 16, epochs: 1, verbose: 0, shuffle: false);
        Assert.Equal(history["loss"][0], logs["loss"]);
        Assert.Equal(b.GetWeights().Select(w => w.Data), a.GetWeights().Select(w => w.Data));
        Assert.Equal(b.Evaluate(X, Y)["loss"], a.TestOnBatch(X, Y)["loss"], 6);
        Assert.Equal(b.Predict(X).Data, a.PredictOnBatch(X).Data);

        var before = a.GetWeights().Select(w => w.Data).ToList();
        var poisoned = new HostArray(X.Data.Select((v, i) => i == 0 ? float.NaN : v).ToArray(), X.Shape);
        a.CheckData = false; // past the data check, a NaN loss still leaves the weights alone
        Assert.True(double.IsNaN(a.TrainOnBatch(poisoned, Y)["loss"]));
        Assert.Equal(before, a.GetWeights().Select(w => w.Data)); // the NaN step was not applied
    }
}
