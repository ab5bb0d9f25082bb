using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>Save keeps the random state: with shuffle and dropout (recurrent dropout too) on, Load + Fit continues bit for bit.</summary>
public sealed class ExactResumeTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(0.25f)]
    public void LoadThenFitEqualsAnUninterruptedRunWithShuffleAndDropout(float recurrentDropout)
    {
        using var temp = new TempDirectory();
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var rng = new Random(5);
        var x = new HostArray(Enumerable.Range(0, 64 * 6 * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 64, 6, 3);
        var y = new HostArray(Enumerable.Range(0, 64).Select(i => (float)(i % 2)).ToArray(), 64, 1);
        Sequential NewModel()
        {
            var model = new Sequential(device: device, seed: 11);
            model.Add(new Lstm(8, inputShape: (6, 3), dropout: 0.3f, recurrentDropout: recurrentDropout, returnSequences: true));
            model.Add(new Dropout(0.4f));
            model.Add(new Lstm(4, recurrentDropout: recurrentDropout));
            model.Add(new Dense(1, activation: "sigmoid"));
            model.Compile("adam", "binary_crossentropy");
            return model;
        }

        using var uninterrupted = NewModel();
        var whole = uninterrupted.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0);

        using var first = NewModel();
        var part = first.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0);
        string path = temp.File("resume.safetensors");
        first.Save(path);
        using var resumed = Sequential.Load(path, device);
        var rest = resumed.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0);

        Assert.Equal(whole["loss"], part["loss"].Concat(rest["loss"]));
        Assert.Equal(uninterrupted.GetWeights().Select(w => w.Data), resumed.GetWeights().Select(w => w.Data));
    }
}
