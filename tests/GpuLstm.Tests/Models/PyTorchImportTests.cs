using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>
/// A PyTorch state_dict imports into the equivalent Keras-style model and reproduces PyTorch's
/// outputs and gradients, against reference tensors produced by PyTorch (Fixtures/make_pytorch_reference.py).
/// </summary>
public sealed class PyTorchImportTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void TwoLayerLstmWithLinearGivesPyTorchOutputs()
    {
        var io = SafeTensorsFile.Read(Fixture("pytorch_lstm_dense_io.safetensors"));
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Lstm(5, returnSequences: true, inputShape: (6, 7)));
        model.Add(new Lstm(5));
        model.Add(new Dense(3));
        model.LoadPyTorchStateDict(Fixture("pytorch_lstm_dense.safetensors"));
        var x = io["x"];
        var y = model.Predict(new HostArray(x.Data, x.Shape));
        Compare.Close("y_dense vs PyTorch", io["y_dense"].Data, y.Data, 1e-5, 1e-4);
    }

    [Theory]
    [InlineData("concat")]
    [InlineData("sum")]
    [InlineData("mul")]
    [InlineData("ave")]
    public void BidirectionalLstmGivesPyTorchOutputs(string mergeMode)
    {
        var io = SafeTensorsFile.Read(Fixture("pytorch_bilstm_io.safetensors"));
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Bidirectional(new Lstm(3, returnSequences: true), mergeMode, inputShape: (5, 4)));
        model.LoadPyTorchStateDict(Fixture("pytorch_bilstm.safetensors"));
        var x = io["x"];
        var y = model.Predict(new HostArray(x.Data, x.Shape));
        // PyTorch's output [2, 5, 6] is forward (3) then backward (3) per step; merge it as Keras would.
        var torch = io["y_sequence"].Data;
        var expected = new float[mergeMode == "concat" ? 60 : 30];
        for (int r = 0; r < 10; r++)
            for (int j = 0; j < 3; j++)
            {
                float f = torch[r * 6 + j], b = torch[r * 6 + 3 + j];
                if (mergeMode == "concat")
                {
                    expected[r * 6 + j] = f;
                    expected[r * 6 + 3 + j] = b;
                }
                else
                {
                    expected[r * 3 + j] = mergeMode switch { "sum" => f + b, "mul" => f * b, _ => (f + b) / 2 };
                }
            }
        Compare.Close($"bidirectional {mergeMode} vs PyTorch", expected, y.Data, 1e-5, 1e-4);
        Assert.Contains("bidirectional (Bidirectional)", model.SummaryText());
    }

    [Fact]
    public void OneStepOfSgdMovesWeightsByPyTorchGradients()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        Assert.Equal(1, PyTorchLstmSgdStep.Check(device));
    }

    [Fact]
    public void MismatchedStateDictIsRejectedAndNothingChanges()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Lstm(6, returnSequences: true, inputShape: (6, 7))); // PyTorch has 5 units
        model.Add(new Lstm(5));
        model.Add(new Dense(3));
        model.Build();
        var before = model.Parameters!.Values.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadPyTorchStateDict(Fixture("pytorch_lstm_dense.safetensors")));
        Assert.Contains("weight_ih_l0", e.Message);
        Assert.Contains("[20, 7]", e.Message);
        Assert.Contains("[24, 7]", e.Message);
        Assert.Equal(before, model.Parameters.Values.ToArray());
    }
}
