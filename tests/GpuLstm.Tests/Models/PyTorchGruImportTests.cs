using System.Text.Json;
using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>
/// nn.GRU imports through the importer's cell table (RecurrentCellFormat: gates r, z, n to z, r, h;
/// bias_ih and bias_hh as the rows of a resetAfter GRU's [2, 3u] bias) and reproduces PyTorch.
/// The GRU layer is built by its Keras class name, so this test waits (skips) until the engine has one.
/// </summary>
public sealed class PyTorchGruImportTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static Layer? Gru(string name, bool returnSequences, IReadOnlyList<int>? inputShape)
    {
        var config = JsonDocument.Parse($"{{\"units\": 5, \"reset_after\": true, \"return_sequences\": {(returnSequences ? "true" : "false")}}}").RootElement;
        try
        {
            return LayerFactory.Create("GRU", name, config, inputShape);
        }
        catch (InvalidDataException e) when (e.Message.Contains("unknown class", StringComparison.Ordinal))
        {
            return null;
        }
    }

    [SkippableFact]
    public void StackedGruWithLinearGivesPyTorchOutputs()
    {
        var first = Gru("gru", returnSequences: true, [6, 4]);
        Skip.If(first is null, "the engine has no GRU layer yet (branch gru)");
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(first!);
        model.Add(Gru("gru_1", returnSequences: false, null)!);
        model.Add(new Dense(3));
        model.LoadPyTorchStateDict(Fixture("pytorch_gru_import.safetensors"));
        var io = SafeTensorsFile.Read(Fixture("pytorch_gru_import_io.safetensors"));
        var x = io["x"];
        Compare.Close("GRU + Linear vs PyTorch", io["y"].Data, model.Predict(new HostArray(x.Data, x.Shape)).Data, 1e-5, 1e-4);
    }
}
