using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Samples;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Examples;

/// <summary>
/// The samples' custom training loop (public API only: GpuLstm.Samples has no access to GpuLstm's
/// internals) trains a model exactly as Fit trains its twin: same batch losses, same weights.
/// </summary>
public sealed class CustomTrainingLoopTests
{
    private static Sequential Model(ComputeDevice device)
    {
        var model = new Sequential(device: device, seed: 7);
        model.Add(new Lstm(5, returnSequences: true, inputShape: (6, 3)));
        model.Add(new Lstm(4));
        model.Add(new Dense(2, activation: "softmax"));
        model.Build();
        return model;
    }

    [Fact]
    public void CustomLoopMatchesFit()
    {
        var random = new Random(3);
        var x = new HostArray(Enumerable.Range(0, 12 * 6 * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), 12, 6, 3);
        var y = new HostArray(Enumerable.Range(0, 12).SelectMany(i => i % 3 == 0 ? new[] { 1f, 0f } : [0f, 1f]).ToArray(), 12, 2);
        using var device = ComputeDevice.Create(DeviceKind.Cpu);

        using var fitted = Model(device);
        fitted.Compile(new Adam(0.05f), "categorical_crossentropy");
        var history = fitted.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false);

        using var looped = Model(device);
        using var adam = new Adam(0.05f);
        var loss = LossFunction.CategoricalCrossentropy();
        var first = CustomTrainingLoop.TrainEpoch(looped, adam, loss, x, y, batchSize: 4, new Random(0));
        var second = CustomTrainingLoop.TrainEpoch(looped, adam, loss, x, y, batchSize: 4, new Random(0));

        Assert.Equal(history["loss"][0], first.Average(), 5);
        Assert.Equal(history["loss"][1], second.Average(), 5);
        Assert.True(second.Average() < first.Average(), $"loss {first.Average():F4} -> {second.Average():F4}");
        Compare.Close("weights after 2 epochs", fitted.Parameters!.Values.ToArray(), looped.Parameters!.Values.ToArray(), 1e-6, 1e-5);
    }
}
