using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>Save keeps the random state: with shuffle and dropout (recurrent dropout too) on, Load + Fit continues bit for bit.</summary>
public sealed class ExactResumeTests
{
    [Theory]
    [InlineData(0f, "lstm")]
    [InlineData(0.25f, "lstm")]
    [InlineData(0.25f, "gru")]
    [InlineData(0.25f, "gru_reset_before")]
    [InlineData(0.25f, "simple_rnn")]
    public void LoadThenFitEqualsAnUninterruptedRunWithShuffleAndDropout(float recurrentDropout, string kind)
    {
        using var temp = new TempDirectory();
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var rng = new Random(5);
        var x = new HostArray(Enumerable.Range(0, 64 * 6 * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 64, 6, 3);
        var y = new HostArray(Enumerable.Range(0, 64).Select(i => (float)(i % 2)).ToArray(), 64, 1);
        Sequential NewModel()
        {
            var model = new Sequential(device: device, seed: 11);
            RecurrentLayer Recurrent(int units, bool returnSequences, (int, int)? inputShape, float dropout) => kind switch
            {
                "lstm" => new Lstm(units, inputShape: inputShape, dropout: dropout, recurrentDropout: recurrentDropout, returnSequences: returnSequences),
                "gru" => new Gru(units, inputShape: inputShape, dropout: dropout, recurrentDropout: recurrentDropout, returnSequences: returnSequences),
                "gru_reset_before" => new Gru(units, inputShape: inputShape, dropout: dropout, recurrentDropout: recurrentDropout,
                    returnSequences: returnSequences, resetAfter: false),
                _ => new SimpleRnn(units, inputShape: inputShape, dropout: dropout, recurrentDropout: recurrentDropout, returnSequences: returnSequences),
            };
            model.Add(Recurrent(8, true, (6, 3), 0.3f));
            model.Add(new Dropout(0.4f));
            model.Add(Recurrent(4, false, null, 0f));
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
