using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>Dense(k, activation: "softmax") with the probability-space losses, as every Keras classifier writes it.</summary>
public sealed class SoftmaxClassifierTests
{
    [Theory]
    [InlineData("sparse_categorical_crossentropy")]
    [InlineData("categorical_crossentropy")]
    public void SoftmaxClassifierLearnsThreeClusters(string loss)
    {
        var rng = new Random(7);
        int n = 300;
        var x = new float[n * 2];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 3;
            double angle = labels[i] * 2 * Math.PI / 3;
            x[2 * i] = (float)(2 * Math.Cos(angle) + rng.NextDouble() - 0.5);
            x[2 * i + 1] = (float)(2 * Math.Sin(angle) + rng.NextDouble() - 0.5);
        }
        var y = loss.StartsWith("sparse", StringComparison.Ordinal)
            ? new HostArray(labels.Select(l => (float)l).ToArray(), n, 1)
            : new HostArray(Enumerable.Range(0, n * 3).Select(i => labels[i / 3] == i % 3 ? 1f : 0f).ToArray(), n, 3);
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device, seed: 2);
        model.Add(new Dense(16, activation: "relu", inputShape: [2]));
        model.Add(new Dense(3, activation: "softmax"));
        string named = loss.StartsWith("sparse", StringComparison.Ordinal) ? "sparse_categorical_accuracy" : "categorical_accuracy";
        model.Compile(new GpuLstm.Optimizers.Adam(0.02f), loss, ["accuracy", named]);
        Assert.Contains("dense_1 (Dense)", model.SummaryText());
        var history = model.Fit(new HostArray(x, n, 2), y, batchSize: 32, epochs: 20, verbose: 0, validationSplit: 0.2f);
        Assert.True(history["val_accuracy"][^1] > 0.9, $"val_accuracy {history["val_accuracy"][^1]:F3}");
        Assert.Equal(history["val_accuracy"], history["val_" + named]); // the explicit Keras name is the same metric
        var p = model.Predict(new HostArray(x, n, 2)).Data;
        for (int i = 0; i < 5; i++)
            Assert.Equal(1.0, p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 5); // probabilities, not logits
    }

    [Fact]
    public void SoftmaxIsRefusedWhereItCannotWork()
    {
        var e = Assert.Throws<ArgumentException>(() => new Lstm(4, activation: "softmax"));
        Assert.Contains("LSTM", e.Message);
        Assert.Contains("softmax", e.Message);
    }
}
