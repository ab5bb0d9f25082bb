using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;

namespace GpuLstm.Tests.Models;

/// <summary>Batch-level hooks and the progress logger as a callback (Keras ProgbarLogger, verbose 0/1/2).</summary>
public sealed class CallbackHookTests
{
    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = [];
        public override void OnTrainBegin(Model model) => Events.Add($"train {Params}");
        public override void OnEpochBegin(Model model, int epoch) => Events.Add($"epoch {epoch}");
        public override void OnBatchBegin(Model model, int batch) => Events.Add($"batch {batch}");
        public override void OnBatchEnd(Model model, int batch, IReadOnlyDictionary<string, double> logs) =>
            Events.Add($"batch-end {batch} {logs.ContainsKey("loss")}");
        public override void OnTrainEnd(Model model) => Events.Add("end");
    }

    private static Sequential Model(ComputeDevice device)
    {
        var model = new Sequential(device: device, seed: 1);
        model.Add(new Dense(1, activation: "sigmoid", inputShape: [2]));
        model.Compile("adam", "binary_crossentropy");
        return model;
    }

    private static readonly HostArray X = new(new float[10 * 2], 10, 2);
    private static readonly HostArray Y = new(new float[10], 10, 1);

    [Fact]
    public void BatchHooksRunInOrderWithParams()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        var recorder = new Recorder();
        model.Fit(X, Y, batchSize: 4, epochs: 1, verbose: 0, callbacks: [recorder]);
        Assert.Equal(["train FitParams { Epochs = 1, Steps = 3, Verbose = 0 }", "epoch 0",
            "batch 0", "batch-end 0 True", "batch 1", "batch-end 1 True", "batch 2", "batch-end 2 True", "end"], recorder.Events);
        Assert.Same(model.History, model.History);
        Assert.Equal(1, model.History!.Epochs);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 4)]
    [InlineData(2, 4)]
    public void ProgressIsACallbackFollowingVerbose(int verbose, int expectedLines)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        var output = new StringWriter();
        model.Fit(X, Y, batchSize: 4, epochs: 2, verbose: verbose, output: output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expectedLines, lines.Length); // "Epoch k/2" and "3/3 ... - loss: ..." per epoch
        if (verbose > 0)
        {
            Assert.Equal("Epoch 1/2", lines[0].Trim());
            Assert.StartsWith("3/3 ", lines[1]);
            Assert.Contains(" - loss: ", lines[1]);
            Assert.DoesNotContain("learning_rate", lines[1]);
        }
    }

    [Fact]
    public void AnExplicitProgbarLoggerReplacesTheDefault()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        var mine = new StringWriter();
        var other = new StringWriter();
        model.Fit(X, Y, batchSize: 4, epochs: 1, verbose: 2, output: other, callbacks: [new ProgbarLogger(mine)]);
        Assert.Empty(other.ToString());
        Assert.Contains("Epoch 1/1", mine.ToString());
    }
}
