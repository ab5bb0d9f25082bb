using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>Models with GRU, Bidirectional(GRU) and SimpleRNN layers save and load with their settings and weights.</summary>
public sealed class GruSaveLoadTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> FirstLayers => new() { "gru", "bidirectional", "simple_rnn" };

    private static Layer FirstLayer(string kind) => kind switch
    {
        "gru" => new Gru(6, returnSequences: true, inputShape: (5, 3)),
        "bidirectional" => new Bidirectional(new Gru(6, resetAfter: false, returnSequences: true), "sum", inputShape: (5, 3)),
        _ => new SimpleRnn(6, activation: "relu", returnSequences: true, goBackwards: true, inputShape: (5, 3)),
    };

    [Theory]
    [MemberData(nameof(FirstLayers))]
    public void SaveLoadRoundTripKeepsSettingsWeightsAndPredictions(string first)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device, seed: 4);
        model.Add(FirstLayer(first));
        model.Add(new Gru(4, recurrentActivation: "hard_sigmoid", goBackwards: true, resetAfter: false));
        model.Add(new Dense(2));
        model.Compile(optimizer: "adam", loss: "mse");
        var rng = new Random(2);
        var x = new HostArray(Enumerable.Range(0, 4 * 5 * 3).Select(_ => (float)rng.NextDouble()).ToArray(), 4, 5, 3);
        var y = new HostArray(Enumerable.Range(0, 4 * 2).Select(_ => (float)rng.NextDouble()).ToArray(), 4, 2);
        model.Fit(x, y, epochs: 1, verbose: 0); // the optimizer state is saved too

        string path = Path.Combine(_temp.Path, "model.safetensors");
        model.Save(path);
        using var loaded = Sequential.Load(path, device);
        Assert.Equal(model.SummaryText(), loaded.SummaryText());
        Assert.Equal(model.Parameters!.Parameters.Select(p => p.Name), loaded.Parameters!.Parameters.Select(p => p.Name));
        Assert.Equal(model.Parameters.Values.ToArray(), loaded.Parameters.Values.ToArray());
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        var gru = Assert.IsType<Gru>(loaded.Layers[1]);
        Assert.False(gru.ResetAfter);
        Assert.True(gru.GoBackwards);
        Assert.Equal("hard_sigmoid", GpuLstm.Layers.Activations.Name(gru.RecurrentActivation));

        model.Fit(x, y, epochs: 1, verbose: 0, shuffle: false);
        loaded.Fit(x, y, epochs: 1, verbose: 0, shuffle: false);
        Assert.Equal(model.Parameters.Values.ToArray(), loaded.Parameters.Values.ToArray());
    }

    [Fact]
    public void BidirectionalGruWeightsAreNamedAfterBothDirectionsAsInKeras()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Bidirectional(new Gru(3), inputShape: (4, 2)));
        model.Add(new Dense(1));
        model.Build();
        Assert.Equal(
            ["bidirectional/forward_gru/kernel", "bidirectional/forward_gru/recurrent_kernel", "bidirectional/forward_gru/bias",
             "bidirectional/backward_gru/kernel", "bidirectional/backward_gru/recurrent_kernel", "bidirectional/backward_gru/bias",
             "dense/kernel", "dense/bias"],
            model.Parameters!.Parameters.Select(p => p.Name));
        Assert.Equal([2, 9], model.Parameters["bidirectional/backward_gru/bias"].Shape);

        using var rnn = new Sequential(device: device);
        rnn.Add(new Bidirectional(new SimpleRnn(2, useBias: false), inputShape: (4, 2)));
        rnn.Build();
        Assert.Equal(
            ["bidirectional/forward_simple_rnn/kernel", "bidirectional/forward_simple_rnn/recurrent_kernel",
             "bidirectional/backward_simple_rnn/kernel", "bidirectional/backward_simple_rnn/recurrent_kernel"],
            rnn.Parameters!.Parameters.Select(p => p.Name));
    }
}
