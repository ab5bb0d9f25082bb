using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>
/// nn.GRU and nn.RNN import through the importer's cell table (RecurrentCellFormat: GRU gates r, z, n to
/// z, r, h with bias_ih and bias_hh as the rows of a resetAfter GRU's [2, 3u] bias; RNN biases summed)
/// and reproduce PyTorch (Fixtures/make_pytorch_reference.py, make_import_by_name).
/// </summary>
public sealed class PyTorchGruImportTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void StackedGruWithLinearGivesPyTorchOutputs()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Gru(5, returnSequences: true, inputShape: (6, 4)));
        model.Add(new Gru(5));
        model.Add(new Dense(3));
        model.LoadPyTorchStateDict(Fixture("pytorch_gru_import.safetensors"));
        PyTorchImportByNameTests.AssertPyTorchOutputs(model, "pytorch_gru_import_io.safetensors");
    }

    [Fact]
    public void BidirectionalRnnWithLinearGivesPyTorchOutputs()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Bidirectional(new SimpleRnn(5), inputShape: (6, 4)));
        model.Add(new Dense(3));
        model.LoadPyTorchStateDict(Fixture("pytorch_rnn_import.safetensors"));
        PyTorchImportByNameTests.AssertPyTorchOutputs(model, "pytorch_rnn_import_io.safetensors");
    }

    [Fact]
    public void ResetBeforeGruHasNoNnGruCounterpart()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Gru(5, returnSequences: true, inputShape: (6, 4), resetAfter: false));
        model.Add(new Gru(5));
        model.Add(new Dense(3));
        model.Build();
        var before = model.Parameters!.Values.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadPyTorchStateDict(Fixture("pytorch_gru_import.safetensors")));
        Assert.Contains("Keras 'gru/bias' is [15]; nn.GRU's biases fill [2, 15] (for a GRU: resetAfter: true)", e.Message);
        Assert.Equal(before, model.Parameters.Values.ToArray());
    }
}
