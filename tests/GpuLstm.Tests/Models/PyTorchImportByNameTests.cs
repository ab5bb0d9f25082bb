using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>
/// State_dicts whose header is sorted by name (as safetensors.torch.save_file writes it) import by
/// module prefix: nn.Sequential/ModuleList indices and stacked LSTM layers keep their order,
/// TimeDistributed(Dense) takes its own Linear, and two equal named Linears are an ambiguity that a
/// mapping resolves. Outputs are PyTorch's (Fixtures/make_pytorch_reference.py, make_import_by_name).
/// </summary>
public sealed class PyTorchImportByNameTests
{
    private static readonly Dictionary<string, string> HeadsMapping = new() { ["dense"] = "proj", ["dense_1"] = "head" };

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Embedding(11, 6) → LSTM(8) x 2 → Dense(8, tanh) → Dense(8), as NamedHeads.</summary>
    internal static Sequential NamedHeads(ComputeDevice device, int embeddingRows = 11, string activation = "tanh", bool outputBias = true)
    {
        var model = new Sequential(device: device);
        model.Add(new Embedding(embeddingRows, 6, inputLength: 5));
        model.Add(new Lstm(8, returnSequences: true, activation: activation));
        model.Add(new Lstm(8));
        model.Add(new Dense(8, activation: "tanh"));
        model.Add(new Dense(8, useBias: outputBias));
        model.Build();
        return model;
    }

    /// <summary>Bidirectional(LSTM(6)) → TimeDistributed(Dense(12, tanh)) → LSTM(12) → Dense(12), as Tagger.</summary>
    internal static Sequential Tagger(ComputeDevice device, bool bidirectional = true)
    {
        var model = new Sequential(device: device);
        model.Add(bidirectional
            ? new Bidirectional(new Lstm(6, returnSequences: true), inputShape: (5, 4))
            : new Lstm(12, returnSequences: true, inputShape: (5, 4)));
        model.Add(new TimeDistributed(new Dense(12, activation: "tanh")));
        model.Add(new Lstm(12));
        model.Add(new Dense(12));
        model.Build();
        return model;
    }

    /// <summary>Predicts the io fixture's x and compares with its y (PyTorch's output).</summary>
    internal static void AssertPyTorchOutputs(Sequential model, string io)
    {
        var reference = SafeTensorsFile.Read(Fixture(io));
        var x = reference["x"];
        var y = model.Predict(new HostArray(x.Data, x.Shape));
        Compare.Close($"{io} y vs PyTorch", reference["y"].Data, y.Data, 1e-5, 1e-4);
    }

    [Fact]
    public void EqualNamedLinearsAreAnAmbiguityNamingBothAndNothingChanges()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = NamedHeads(device);
        var before = model.Parameters!.Values.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors")));
        Assert.Contains("pytorch_named_heads.safetensors", e.Message);
        Assert.Contains("ambiguous", e.Message);
        Assert.Contains("'dense' (Dense) <- 'head' or 'proj'", e.Message);
        Assert.Contains("'dense_1' (Dense) <- 'proj' or 'head'", e.Message);
        Assert.Contains("[\"dense\"] = \"...\", [\"dense_1\"] = \"...\"", e.Message);
        Assert.Equal(before, model.Parameters.Values.ToArray());
    }

    [Fact]
    public void MappingResolvesTheAmbiguityAndGivesPyTorchOutputs()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = NamedHeads(device);
        model.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"), HeadsMapping);
        AssertPyTorchOutputs(model, "pytorch_named_heads_io.safetensors");
    }

    [Fact]
    public void PartialMappingPairsTheRestAutomatically()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = NamedHeads(device);
        model.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"), new Dictionary<string, string> { ["dense_1"] = "head" });
        AssertPyTorchOutputs(model, "pytorch_named_heads_io.safetensors");
    }

    [Fact]
    public void TheSwappedMappingLoadsOtherWeights()
    {
        // Both Linears fit both layers: the mapping alone decides, so swapping it must change the outputs.
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = NamedHeads(device);
        model.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"), new Dictionary<string, string> { ["dense"] = "head", ["dense_1"] = "proj" });
        var content = SafeTensorsFile.Read(Fixture("pytorch_named_heads.safetensors"));
        Assert.Equal(content["head.bias"].Data, model.Parameters!["dense/bias"].ToArray());
        Assert.Equal(content["proj.bias"].Data, model.Parameters["dense_1/bias"].ToArray());
    }

    [Fact]
    public void ModuleListOrderPutsEachLinearInPlaceIncludingTimeDistributed()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Tagger(device);
        model.LoadPyTorchStateDict(Fixture("pytorch_tagger.safetensors"));
        AssertPyTorchOutputs(model, "pytorch_tagger_io.safetensors");
        var content = SafeTensorsFile.Read(Fixture("pytorch_tagger.safetensors"));
        Assert.Equal(content["layers.0.bias"].Data, model.Parameters!["time_distributed/dense/bias"].ToArray());
        Assert.Equal(content["layers.2.bias"].Data, model.Parameters["dense/bias"].ToArray());
    }

    [Fact]
    public void MappingByStackedLayerSelectsEachLstmLayer()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = NamedHeads(device);
        model.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"),
            new Dictionary<string, string>(HeadsMapping) { ["lstm"] = "encoder_l0", ["lstm_1"] = "encoder_l1", ["embedding"] = "emb" });
        AssertPyTorchOutputs(model, "pytorch_named_heads_io.safetensors");
    }
}
