using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>
/// Every way a PyTorch state_dict can fail to fit is an error naming the file, the PyTorch tensor and
/// the Keras layer/weight with both shapes, and leaves the model's weights as they were.
/// </summary>
public sealed class PyTorchImportErrorTests : IDisposable
{
    private static readonly Dictionary<string, string> HeadsMapping = new() { ["dense"] = "proj", ["dense_1"] = "head" };
    private readonly ComputeDevice _device = ComputeDevice.Create(DeviceKind.Cpu);
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _temp.Dispose();
        _device.Dispose();
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>A copy of a fixture with its tensors edited, saved as edited.safetensors.</summary>
    private string Edited(string fixture, Func<IReadOnlyList<NamedTensorData>, IEnumerable<NamedTensorData>> edit)
    {
        string path = _temp.File("edited.safetensors");
        SafeTensorsFile.Write(path, edit(SafeTensorsFile.Read(Fixture(fixture)).Tensors));
        return path;
    }

    /// <summary>Runs a failing load and checks the model's weights did not move.</summary>
    private static TException Fails<TException>(Sequential model, Action<Sequential> load) where TException : Exception
    {
        var before = model.Parameters!.Values.ToArray();
        var e = Assert.Throws<TException>(() => load(model));
        Assert.Equal(before, model.Parameters.Values.ToArray());
        return e;
    }

    [Fact]
    public void TensorsThatFitNoModuleAreListed()
    {
        using var model = PyTorchImportByNameTests.NamedHeads(_device);
        string path = Edited("pytorch_named_heads.safetensors", t => t.Concat(
            [new NamedTensorData("norm.running_mean", [8], new float[8]), new NamedTensorData("conv.weight", [2, 3, 4], new float[24])]));
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(path, HeadsMapping));
        Assert.Contains("edited.safetensors", e.Message);
        Assert.Contains("2 tensor(s)", e.Message);
        Assert.Contains("'norm.running_mean' [8]", e.Message);
        Assert.Contains("'conv.weight' [2, 3, 4]", e.Message);
    }

    [Fact]
    public void AModuleTheModelHasNoLayerForIsAnError()
    {
        using var model = new Sequential(device: _device);
        model.Add(new Embedding(11, 6, inputLength: 5));
        model.Add(new Lstm(8, returnSequences: true));
        model.Add(new Lstm(8));
        model.Add(new Dense(8));
        model.Build();
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors")));
        Assert.Contains("5 PyTorch layer(s) for 4 Keras layer(s)", e.Message);
        Assert.Contains("'head' (nn.Linear: head.bias [8], head.weight [8, 8])", e.Message);
        Assert.Contains("'dense' (Dense)", e.Message);
    }

    [Fact]
    public void EmbeddingShapeMismatchNamesBothSides()
    {
        using var model = PyTorchImportByNameTests.NamedHeads(_device, embeddingRows: 12);
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"), HeadsMapping));
        Assert.Contains("pytorch_named_heads.safetensors", e.Message);
        Assert.Contains("'emb.weight' is [11, 6]; Keras 'embedding/embeddings' [12, 6] needs it as [12, 6]", e.Message);
    }

    [Fact]
    public void AMappedPairThatDoesNotFitNamesTheTensors()
    {
        using var model = PyTorchImportByNameTests.NamedHeads(_device);
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"),
            new Dictionary<string, string>(HeadsMapping) { ["lstm"] = "encoder_l1" }));
        Assert.Contains("the mapping pairs 'lstm' (LSTM) with 'encoder_l1'", e.Message);
        Assert.Contains("'encoder.weight_ih_l1' is [32, 8]; Keras 'lstm/kernel' [6, 32] needs it as [32, 6]", e.Message);
    }

    [Fact]
    public void BiasWithoutAKerasBiasIsAMismatch()
    {
        using var model = PyTorchImportByNameTests.NamedHeads(_device, outputBias: false);
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"),
            new Dictionary<string, string> { ["dense"] = "proj" }));
        Assert.Contains("no PyTorch module fits 'dense_1' (Dense)", e.Message);
        Assert.Contains("'head.bias' [8] has no weight to fill in 'dense_1' (Dense) (its useBias is false)", e.Message);
    }

    [Fact]
    public void ActivationPyTorchDoesNotHaveIsAMismatch()
    {
        using var model = PyTorchImportByNameTests.NamedHeads(_device, activation: "relu");
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"), HeadsMapping));
        Assert.Contains("'lstm' (LSTM) has activation 'relu'; nn.LSTM uses tanh", e.Message);
    }

    [Fact]
    public void BidirectionalModuleIntoOneDirectionIsAMismatch()
    {
        using var model = PyTorchImportByNameTests.Tagger(_device, bidirectional: false);
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(Fixture("pytorch_tagger.safetensors")));
        Assert.Contains("'rnn' is bidirectional (its _reverse tensors), 'lstm' (LSTM) reads one direction", e.Message);
        Assert.Contains("wrap it in Bidirectional", e.Message);
    }

    [Fact]
    public void SequentialIndicesOutOfOrderAreAnErrorThatAMappingOverrides()
    {
        // nn.Sequential index 0 must come first; here only the swapped pairing fits the shapes.
        using var model = new Sequential(device: _device);
        model.Add(new Dense(4, inputShape: [3]));
        model.Add(new Dense(3));
        model.Build();
        string path = _temp.File("sequential.safetensors");
        SafeTensorsFile.Write(path,
        [
            new NamedTensorData("0.bias", [3], [1, 2, 3]), new NamedTensorData("0.weight", [3, 4], new float[12]),
            new NamedTensorData("1.bias", [4], [4, 5, 6, 7]), new NamedTensorData("1.weight", [4, 3], new float[12]),
        ]);
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(path));
        Assert.Contains("no pairing keeps the order the file fixes", e.Message);
        Assert.Contains("'dense' (Dense) <- '1'; 'dense_1' (Dense) <- '0'", e.Message);
        model.LoadPyTorchStateDict(path, new Dictionary<string, string> { ["dense"] = "1", ["dense_1"] = "0" });
        Assert.Equal([4f, 5, 6, 7], model.Parameters!["dense/bias"].ToArray());
    }

    [Fact]
    public void IncompleteLstmModuleIsAnError()
    {
        using var model = PyTorchImportByNameTests.NamedHeads(_device);
        string path = Edited("pytorch_named_heads.safetensors", t => t.Where(x => x.Name != "encoder.weight_hh_l1"));
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(path, HeadsMapping));
        Assert.Contains("RNN module 'encoder' lacks 'weight_hh_l1'", e.Message);
    }

    [Theory]
    [InlineData("dropout_9", "proj", "names layer 'dropout_9', which is not a layer with weights; those are: embedding, lstm, lstm_1, dense, dense_1")]
    [InlineData("dense", "fc", "module 'fc', which the file does not have; its modules are: 'emb', 'encoder_l0', 'encoder_l1', 'head', 'proj'")]
    [InlineData("lstm", "encoder", "a 2-layer nn.LSTM; map each Keras layer to one of its layers: encoder_l0, encoder_l1")]
    public void BadMappingsAreErrorsListingTheValidNames(string layer, string prefix, string expected)
    {
        using var model = PyTorchImportByNameTests.NamedHeads(_device);
        var e = Fails<ArgumentException>(model, m => m.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"),
            new Dictionary<string, string> { [layer] = prefix }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void OneModuleForTwoLayersIsAnError()
    {
        using var model = PyTorchImportByNameTests.NamedHeads(_device);
        var e = Fails<ArgumentException>(model, m => m.LoadPyTorchStateDict(Fixture("pytorch_named_heads.safetensors"),
            new Dictionary<string, string> { ["dense"] = "head", ["dense_1"] = "head" }));
        Assert.Contains("gives module 'head' to both 'dense' and 'dense_1'", e.Message);
    }

    [Fact]
    public void GoBackwardsLstmHasNoPyTorchCounterpart()
    {
        using var model = new Sequential(device: _device);
        model.Add(new Lstm(8, inputShape: (5, 6), goBackwards: true));
        model.Build();
        string path = Edited("pytorch_named_heads.safetensors", t => t.Where(x => x.Name.StartsWith("encoder.", StringComparison.Ordinal) && x.Name.EndsWith("l0", StringComparison.Ordinal))
            .Select(x => x with { Name = x.Name.Replace("encoder.", "", StringComparison.Ordinal) }));
        var e = Fails<InvalidDataException>(model, m => m.LoadPyTorchStateDict(path));
        Assert.Contains("'lstm' (LSTM) has goBackwards", e.Message);
    }
}
