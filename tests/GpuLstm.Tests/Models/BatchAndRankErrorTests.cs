using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>Issue 10 items 11 and 12: batch sizes that overflow or are not positive, and 1-D x on a Dense-first model.</summary>
public sealed class BatchAndRankErrorTests
{
    private static Sequential DenseModel(ComputeDevice device, bool declareShape)
    {
        var model = new Sequential(device: device, seed: 1);
        model.Add(declareShape ? new Dense(1, inputShape: [1]) : new Dense(1));
        model.Compile("sgd", "mse");
        return model;
    }

    [Fact]
    public void HugeBatchSizeTrainsOneFullBatch()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = DenseModel(device, declareShape: true);
        var x = new HostArray([1f, 2, 3, 4], 4, 1);
        var before = model.GetWeights()[0].Data[0];
        var history = model.Fit(x, new float[] { 2, 4, 6, 8 }, batchSize: int.MaxValue, epochs: 2, verbose: 0);
        Assert.Equal(2, history["loss"].Count);
        Assert.NotEqual(before, model.GetWeights()[0].Data[0]); // updates happened (overflow gave 0 steps before)
        Assert.Equal(4, model.Predict(x, batchSize: int.MaxValue).Count);
        Assert.True(double.IsFinite(model.Evaluate(x, new float[] { 2, 4, 6, 8 }, batchSize: int.MaxValue)["loss"]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositiveBatchSizeIsNamed(int batchSize)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = DenseModel(device, declareShape: true);
        var x = new HostArray([1f, 2], 2, 1);
        foreach (var (what, act) in new (string, Action)[]
                 {
                     ("Fit", () => model.Fit(x, new float[] { 1, 2 }, batchSize: batchSize, verbose: 0)),
                     ("Evaluate", () => model.Evaluate(x, new float[] { 1, 2 }, batchSize: batchSize)),
                     ("Predict", () => model.Predict(x, batchSize: batchSize)),
                 })
        {
            var e = Assert.Throws<ArgumentException>(act);
            Assert.Contains(what, e.Message);
            Assert.Contains("batchSize", e.Message);
        }
    }

    [Fact]
    public void OneDimensionalXOnADenseFirstModelSaysHowToFixIt()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = DenseModel(device, declareShape: false);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(new float[] { 1, 2, 3 }, new float[] { 1, 2, 3 }, verbose: 0));
        Assert.Contains("x has shape [3]", e.Message);
        Assert.Contains("[3, 1]", e.Message);
        Assert.Contains("[3, 1]", Assert.Throws<ArgumentException>(() => model.Predict(new float[] { 1, 2, 3 })).Message);
    }
}
