using System.Diagnostics;
using System.Text.Json.Nodes;
using GpuLstm.Models;

namespace GpuLstm.Tests.IO;

/// <summary>
/// Issue 10 items 1, 3, 4: a corrupt architecture record, sizes that do not match the file's tensors and
/// incomplete compile sections are InvalidDataExceptions naming the file and the key, found before anything is built.
/// </summary>
public sealed class ModelFileCheckTests : IClassFixture<ModelFileCheckTests.Files>
{
    public sealed class Files : IDisposable
    {
        public SavedModelFiles Saved { get; } = new();
        public void Dispose() => Saved.Dispose();
    }

    private readonly SavedModelFiles _saved;

    public ModelFileCheckTests(Files files) => _saved = files.Saved;

    private InvalidDataException Rejected(bool functional, Action<JsonObject>? mutate, Func<string, bool>? keep = null, params string[] fragments)
    {
        string target = _saved.Directory.File($"bad-{Guid.NewGuid():N}.safetensors");
        SavedModelFiles.Rewrite(functional ? _saved.FunctionalPath : _saved.SequentialPath, target, mutate, keep);
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(target, _saved.Device).Dispose());
        Assert.Contains(Path.GetFileName(target), e.Message);
        foreach (string f in fragments)
            Assert.Contains(f, e.Message);
        return e;
    }

    private static JsonObject Config(JsonObject r, int layer) => r["layers"]![layer]!["config"]!.AsObject();

    [Fact]
    public void TheUnchangedFilesLoadAndPredictAsSaved()
    {
        using var sequential = Sequential.Load(_saved.SequentialPath, _saved.Device);
        Assert.Equal(_saved.SequentialPrediction, sequential.Predict(_saved.SequenceX).Data);
        Assert.Equal("Adam", sequential.Optimizer!.GetType().Name);
        using var functional = Model.Load(_saved.FunctionalPath, _saved.Device);
        Assert.Equal(_saved.FunctionalPrediction, functional.Predict([_saved.SequenceX, _saved.SideX])[0].Data);
        Assert.True(functional.Optimizer!.Iterations > 0);
    }

    [Fact]
    public void WrongTypesMissingKeysAndUnknownClassesNameThePath()
    {
        Rejected(false, r => Config(r, 2)["units"] = "two", null, "layers[2].config.units", "expected an integer");
        Rejected(false, r => Config(r, 0).Remove("units"), null, "layers[0].config.units is missing");
        Rejected(false, r => Config(r, 0)["units"] = 2.5, null, "layers[0].config.units");
        Rejected(false, r => r["layers"]![1]!["class"] = "Droput", null, "layers[1].class", "'Droput'", "Dropout, Embedding");
        Rejected(false, r => Config(r, 0)["activation"] = "swish", null, "layers[0].config.activation", "'swish'");
        Rejected(false, r => Config(r, 1)["rate"] = 1.5, null, "layers[1].config.rate");
        Rejected(false, r => r["input_shape"] = new JsonArray(0, 3), null, "input_shape[0]");
        Rejected(false, r => r.Remove("layers"), null, "layers is missing");
        Rejected(false, r => r["seed"] = "x", null, "seed");
        Rejected(false, r => r["layers"]![1]!["name"] = "lstm", null, "layers[1].name", "earlier layer");
        Rejected(false, r => r["random_state"] = "-3", null, "random_state");
        Rejected(false, r => r["class"] = "Graph", null, "class", "Sequential, Functional");
    }

    [Fact]
    public void FunctionalReferencesAreChecked()
    {
        Rejected(true, r => r["nodes"]![3]!["inputs"] = new JsonArray(new JsonArray(9, 0)), null, "nodes[3].inputs[0][0]", "is 9");
        Rejected(true, r => r["nodes"]![2]!["inputs"] = new JsonArray(new JsonArray(0, 5)), null, "nodes[2].inputs[0][1]");
        Rejected(true, r => r["nodes"]![2]!["layer"] = "nowhere", null, "nodes[2].layer", "'nowhere'");
        Rejected(true, r => r["inputs"] = new JsonArray(2), null, "inputs[0]", "not an input node");
        Rejected(true, r => r["outputs"] = new JsonArray(new JsonArray(-1, 0)), null, "outputs[0][0]");
        Rejected(true, r => r["nodes"]![2]!["with_state"] = false, null, "with_state");
        // Shapes that do not fit together come from the layers themselves, still named by node.
        Rejected(true, r => r["nodes"]![0]!["shape"] = new JsonArray(5), null, "nodes[2]", "not a valid model");
    }

    [Fact]
    public void Units5000IsRejectedFastByTheTensorShapesAndAllocatesNothingBig()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        Rejected(false, r => Config(r, 0)["units"] = 5000, null, "lstm/kernel", "[3, 20000]", "[3, 16]");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 20_000_000, "allocated more than 20 MB on the host");
    }

    [Fact]
    public void AbsurdSizesAreCappedOrCountedIn64Bits()
    {
        Rejected(false, r => Config(r, 0)["units"] = 1_000_000_000, null, "layers[0].config.units is 1000000000", "16777216");
        Rejected(false, r => Config(r, 0)["units"] = 3e10, null, "layers[0].config.units");
        Rejected(false, r => r["input_shape"] = new JsonArray(5, 1_000_000_000), null, "input_shape[1]");
        // Within the per-value cap, but 2^24 x 2^26 weights: reported as too many, never overflowed.
        Rejected(false, r => Config(r, 0)["units"] = 1 << 24, null, "lstm/recurrent_kernel", "elements");
    }

    [Fact]
    public void ExtraOrMissingTensorsAreRejected()
    {
        Rejected(false, null, n => n != "dense/bias", "dense/bias", "lacks");
        Rejected(false, r => Config(r, 2)["use_bias"] = false, null, "dense/bias", "not a weight");
    }

    [Fact]
    public void IncompleteCompileSectionsAreRejected()
    {
        JsonObject C(JsonObject r) => r["compile"]!.AsObject();
        Rejected(false, r => C(r).Remove("iterations"), null, "compile.iterations is missing");
        Rejected(false, r => C(r)["iterations"] = -1, null, "compile.iterations is -1");
        Rejected(false, r => C(r)["clip_value"] = 1e39, null, "compile.clip_value", "1E+39");
        Rejected(false, r => C(r)["global_clip_norm"] = -1, null, "compile.global_clip_norm");
        Rejected(false, r => C(r)["optimizer_config"]!["learning_rate"] = -0.1, null, "compile.optimizer_config.learning_rate");
        Rejected(false, r => C(r)["optimizer_config"]!["beta_1"] = 7, null, "compile.optimizer_config.beta_1");
        Rejected(false, r => C(r)["optimizer_config"]!.AsObject().Remove("epsilon"), null, "compile.optimizer_config.epsilon is missing");
        Rejected(false, r => C(r)["optimizer"] = "adagrad", null, "compile.optimizer", "'adagrad'");
        Rejected(false, r => C(r)["metrics"] = new JsonArray("accurcy"), null, "compile.metrics[0]");
        Rejected(false, r => C(r)["losses"]![0]!["name"] = "hinge", null, "compile.losses[0].name");
        Rejected(false, r => C(r)["metrics"] = new JsonArray("accuracy"), null, "compile", "classification loss");
        Rejected(false, null, n => n != "optimizer/m", "optimizer/m", "missing", "updates");
        Rejected(false, r => r.Remove("compile"), null, "optimizer state", "no compile section");
        Rejected(true, r => r["compile"]!["optimizer_config"]!["momentum"] = 0, null, "optimizer/velocity", "not state");
    }

    [Fact]
    public void AFileSavedUncompiledOrWithoutCompileLoadsUncompiled()
    {
        string uncompiled = _saved.Directory.File("uncompiled.safetensors");
        using (var model = Sequential.Load(_saved.SequentialPath, _saved.Device))
        {
            using var fresh = new Sequential(device: _saved.Device, seed: 3);
            foreach (var layer in new GpuLstm.Layers.Layer[] { new GpuLstm.Layers.Lstm(4, inputShape: (5, 3)), new GpuLstm.Layers.Dropout(0.1f), new GpuLstm.Layers.Dense(2) })
                fresh.Add(layer);
            fresh.SetWeights(model.GetWeights());
            fresh.Save(uncompiled);
        }
        Assert.Null(SavedModelFiles.Record(uncompiled)["compile"]); // what Save writes uncompiled: null
        using (var loaded = Sequential.Load(uncompiled, _saved.Device))
        {
            Assert.Null(loaded.Optimizer);
            Assert.Equal(_saved.SequentialPrediction, loaded.Predict(_saved.SequenceX).Data);
        }
        string absent = _saved.Directory.File("absent.safetensors");
        SavedModelFiles.Rewrite(uncompiled, absent, r => r.Remove("compile"));
        using var noSection = Sequential.Load(absent, _saved.Device);
        Assert.Null(noSection.Optimizer);
    }
}
