using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Ops;

namespace GpuLstm.Tests.Models;

/// <summary>An unknown name anywhere is an error that lists the valid ones, never a silent default.</summary>
public sealed class UnknownNameTests
{
    [Fact]
    public void UnknownLossListsTheLosses()
    {
        var e = Assert.Throws<ArgumentException>(() => new LossFunction("hinge"));
        Assert.Contains("'hinge'", e.Message);
        Assert.Contains("binary_crossentropy", e.Message);
        Assert.Contains("mean_absolute_error", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => LossFunction.FromName("huber"));
        Assert.Contains("'huber'", e2.Message);
    }

    [Fact]
    public void LossAliasesWorkEverywhereTheMessageSaysTheyDo()
    {
        Assert.Equal("mean_squared_error", new LossFunction("mse").Name);
        Assert.Equal("mean_absolute_error", new LossFunction("MAE").Name);
        Assert.Equal(LossFunction.MeanSquaredError(), LossFunction.FromName("mse"));
        var a = new Input([2], "a");
        var dense = new Dense(1);
        using var device = GpuLstm.Device.ComputeDevice.Create(GpuLstm.Device.DeviceKind.Cpu);
        using var model = new GpuLstm.Models.Model(a, [dense.Apply(a), new Dense(3, activation: "softmax").Apply(a)], device: device);
        model.Compile("adam", ["mse", "sparse_categorical_crossentropy"]);
        Assert.Equal(["mean_squared_error", "sparse_categorical_crossentropy"], model.Losses.Select(l => l.Name));
    }

    [Fact]
    public void UnknownMergeModeListsTheModes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Bidirectional(new Lstm(4), mergeMode: "max"));
        Assert.Contains("Bidirectional", e.Message);
        Assert.Contains("'max'", e.Message);
        Assert.Contains("concat, sum, mul or ave", e.Message);
        Assert.Equal(MergeMode.Ave, MergeModes.Parse(" AVE ", "test"));
    }

    [Fact]
    public void UnknownActivationListsTheActivations()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dense(3, activation: "swish"));
        Assert.Contains("'swish'", e.Message);
        Assert.Contains("hard_sigmoid", e.Message);
    }
}
