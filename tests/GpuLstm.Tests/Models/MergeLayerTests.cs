using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Ops;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>Concatenate and Add in functional models: values, gradients, summary, training, files.</summary>
public sealed class MergeLayerTests : IDisposable
{
    private readonly ComputeDevice _device = ComputeDevice.Create(DeviceKind.Cpu);

    public void Dispose() => _device.Dispose();

    [Fact]
    public void ConcatenateCopiesForwardAndSplitsGradientsBack()
    {
        using var tape = new Tape(_device);
        float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8, 9, 10];                        // [2, 2] and [2, 3]
        using var ta = Tensor.FromArray(_device, a, [2, 2], "a");
        using var tb = Tensor.FromArray(_device, b, [2, 3], "b");
        ta.RequiresGrad = tb.RequiresGrad = true;
        var y = ConcatenateOp.Forward(tape, [ta, tb]);
        Assert.Equal([2, 5], y.Shape);
        Assert.Equal([1f, 2, 5, 6, 7, 3, 4, 8, 9, 10], y.ToArray());
        using var seed = Tensor.FromArray(_device, Enumerable.Range(1, 10).Select(i => (float)i).ToArray(), [2, 5]);
        tape.Backward((y, seed));
        Assert.Equal([1f, 2, 6, 7], ta.Grad!.ToArray());
        Assert.Equal([3f, 4, 5, 8, 9, 10], tb.Grad!.ToArray());
    }

    private Model Merged(int seed = 0)
    {
        var a = new Input([4], "a");
        var b = new Input([3], "b");
        var joined = new Concatenate().Apply([a, b]);
        return new Model([a, b], new Dense(2).Apply(joined), "merged", _device, seed);
    }

    [Fact]
    public void ConcatenateModelSummaryMatchesKeras()
    {
        using var model = Merged();
        Assert.Equal(KerasFunctionalSummaries.Merged.ReplaceLineEndings("\n"), model.SummaryText());
    }

    [Fact]
    public void MergedModelsTrainAndRoundTrip()
    {
        int n = 96;
        var rng = new Random(4);
        var xa = new HostArray(Enumerable.Range(0, n * 4).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), n, 4);
        var xb = new HostArray(Enumerable.Range(0, n * 3).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), n, 3);
        // Target: first column needs a's features, second b's: only the concatenation has both.
        var y = new HostArray(Enumerable.Range(0, n).SelectMany(i => new[] { xa[i, 0] + xa[i, 3], xb[i, 1] - xb[i, 2] }).ToArray(), n, 2);
        using var model = Merged(seed: 1);
        model.Compile(new GpuLstm.Optimizers.Adam(0.05f), "mse");
        var history = model.Fit([xa, xb], [y], batchSize: 16, epochs: 40, verbose: 0);
        Assert.True(history["loss"][^1] < 0.01, $"loss {history["loss"][0]:F4} -> {history["loss"][^1]:F5}");

        using var dir = new TempDirectory();
        model.Save(dir.File("merged.safetensors"));
        using var loaded = Model.Load(dir.File("merged.safetensors"), _device);
        Assert.Equal(model.SummaryText(), loaded.SummaryText());
        Assert.Equal(model.Predict([xa, xb])[0].Data, loaded.Predict([xa, xb])[0].Data);
    }

    [Fact]
    public void AddSumsAndChecksShapes()
    {
        var a = new Input([3]);
        var b = new Input([3]);
        using var model = new Model([a, b], new Add().Apply([new Dense(3).Apply(a), b]), device: _device);
        model.Build();
        model.SetWeights([new HostArray([1f, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3), new HostArray([0f, 0, 0], 3)]); // identity Dense
        var sum = model.Predict([new HostArray([1f, 2, 3], 1, 3), new HostArray([10f, 20, 30], 1, 3)])[0];
        Assert.Equal([11f, 22, 33], sum.Data);
        var e = Assert.Throws<ArgumentException>(() => new Add().Apply([new Input([3]), new Input([4])]));
        Assert.Contains("same shape", e.Message);
        Assert.Contains("(None, 4)", e.Message);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => new Concatenate().Apply([a])).Message);
        Assert.Contains("functional model", Assert.Throws<InvalidOperationException>(() =>
        {
            using var sequential = new Sequential(device: _device);
            sequential.Add(new Dense(3, inputShape: [3]));
            sequential.Add(new Add());
            sequential.Compile("sgd", "mse");
            sequential.Predict(new HostArray([1f, 2, 3], 1, 3));
        }).Message);
    }
}
