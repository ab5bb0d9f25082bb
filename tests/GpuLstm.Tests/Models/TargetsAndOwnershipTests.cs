using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>Targets are checked (and [N] taken as [N, 1]) before the first step; a layer belongs to one model.</summary>
public sealed class TargetsAndOwnershipTests
{
    private static Sequential Model(ComputeDevice device, string loss = "binary_crossentropy", int units = 1)
    {
        var model = new Sequential(device: device, seed: 1);
        model.Add(new Dense(units, activation: units == 1 ? "sigmoid" : "softmax", inputShape: [2]));
        model.Compile("adam", loss);
        return model;
    }

    [Fact]
    public void FlatTargetsForAOneUnitOutputAreAccepted()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var a = Model(device);
        using var b = Model(device);
        var x = new HostArray(Enumerable.Range(0, 16).Select(i => i / 16f).ToArray(), 8, 2);
        float[] flat = [0, 1, 0, 1, 0, 1, 0, 1];
        var ha = a.Fit(x, flat, batchSize: 4, epochs: 2, verbose: 0, shuffle: false);
        var hb = b.Fit(x, new HostArray(flat, 8, 1), batchSize: 4, epochs: 2, verbose: 0, shuffle: false);
        Assert.Equal(hb["loss"], ha["loss"]);
        Assert.Equal(b.Evaluate(x, new HostArray(flat, 8, 1))["loss"], a.Evaluate(x, flat)["loss"]);
    }

    [Fact]
    public void TargetsOfTheWrongShapeFailBeforeTraining()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device, "categorical_crossentropy", units: 3);
        var x = new HostArray(new float[8 * 2], 8, 2);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, new HostArray(new float[8 * 4], 8, 4), verbose: 0));
        Assert.Contains("Fit y", e.Message);
        Assert.Contains("(None, 3)", e.Message);
        Assert.Contains("[8, 4]", e.Message);
        Assert.Null(model.History); // nothing ran
        using var sparse = Model(device, "sparse_categorical_crossentropy", units: 3);
        sparse.Fit(x, new HostArray(new float[8], 8, 1), verbose: 0); // [N, 1] labels, as Keras accepts
    }

    [Fact]
    public void ALayerCannotJoinASecondModel()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var shared = new Dense(1, inputShape: [2]);
        using var a = new Sequential(device: device, seed: 1);
        a.Add(shared);
        a.Compile("sgd", "mse");
        var x = new HostArray([0.5f, -1f], 1, 2);
        var before = a.Predict(x).Data;
        using var b = new Sequential(device: device, seed: 2);
        var e = Assert.Throws<ArgumentException>(() => b.Add(shared));
        Assert.Contains("already belongs to model 'sequential'", e.Message);
        Assert.Equal(before, a.Predict(x).Data);
    }
}
