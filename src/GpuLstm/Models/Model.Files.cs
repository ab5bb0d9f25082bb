using System.Text.Json;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Memory;
using GpuLstm.Optimizers;

namespace GpuLstm.Models;

/// <summary>
/// Weights and whole models on disk in the safetensors format. Every write is atomic (temp file +
/// rename); every read validates the whole file before touching the model, so nothing is half-loaded.
/// </summary>
public partial class Model
{
    private const string ModelKey = "gpulstm.model";

    /// <summary>
    /// The file layout this version writes and the newest it reads; files from before the field
    /// existed are version 1. A newer file is refused with a clear message rather than misread.
    /// </summary>
    public const int FormatVersion = 1;
    private const string FormatVersionKey = "format_version";
    private const string OptimizerPrefix = "optimizer/";

    /// <summary>Writes every weight as "layer/weight" (e.g. lstm/kernel) in Keras layout.</summary>
    public void SaveWeights(string path)
    {
        using var _ = EnterBusy("SaveWeights");
        RequireBuilt("SaveWeights");
        SafeTensorsFile.Write(path, WeightData(), new Dictionary<string, string>
        {
            ["format"] = "gpulstm.weights",
            [FormatVersionKey] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Every weight as a host array, in layer order (Keras get_weights; names as in SaveWeights).</summary>
    public IReadOnlyList<HostArray> GetWeights()
    {
        using var _ = EnterBusy("GetWeights");
        RequireBuilt("GetWeights");
        return Parameters!.Parameters.Select(p => new HostArray(p.ToArray(), [.. p.Shape])).ToList();
    }

    /// <summary>Replaces every weight (Keras set_weights): the same count, order and shapes as GetWeights; checked before anything is copied.</summary>
    public void SetWeights(IReadOnlyList<HostArray> weights)
    {
        using var _ = EnterBusy("SetWeights");
        ArgumentNullException.ThrowIfNull(weights);
        RequireBuilt("SetWeights");
        var parameters = Parameters!.Parameters;
        if (weights.Count != parameters.Count)
            throw new ArgumentException($"SetWeights: {Name} has {parameters.Count} weights ({string.Join(", ", parameters.Select(p => p.Name))}), got {weights.Count} arrays.");
        for (int i = 0; i < weights.Count; i++)
        {
            if (!weights[i].Shape.SequenceEqual(parameters[i].Shape))
                throw new ArgumentException(
                    $"SetWeights: array {i} is for {parameters[i].Name} of shape {ShapeUtil.Format(parameters[i].Shape)}, got {ShapeUtil.Format(weights[i].Shape)}.");
        }
        for (int i = 0; i < weights.Count; i++)
            parameters[i].CopyFrom(weights[i].Data);
    }

    /// <summary>Loads weights saved by SaveWeights (or Save) into this model; names and shapes must match exactly.</summary>
    public void LoadWeights(string path)
    {
        using var _ = EnterBusy("LoadWeights");
        Build();
        var content = SafeTensorsFile.Read(path);
        CheckFormatVersion(content, path, "LoadWeights");
        var missing = Parameters!.Parameters.Where(p => !content.Contains(p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"LoadWeights: {Path.GetFileName(path)} lacks {string.Join(", ", missing)} (it has {string.Join(", ", content.Names.Where(n => !n.StartsWith(OptimizerPrefix, StringComparison.Ordinal)))}).");
        var values = Parameters.Parameters.Select(p => Checked(content[p.Name], p.Shape, path)).ToList();
        for (int i = 0; i < values.Count; i++)
            Parameters.Parameters[i].CopyFrom(values[i]);
    }

    /// <summary>
    /// Saves architecture, weights, compile settings and optimizer state, so Load resumes training
    /// exactly. <paramref name="metadata"/> adds the caller's own string entries (read back with ReadMetadata).
    /// </summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var _ = EnterBusy("Save");
        RequireBuilt("Save");
        var tensors = WeightData().ToList();
        if (Optimizer is not null)
            tensors.AddRange(Optimizer.StateTensors.Select(s => new NamedTensorData(OptimizerPrefix + s.Key, [(int)s.Value.Length], s.Value.ToArray())));
        var model = new Dictionary<string, object?>
        {
            ["name"] = Name,
            ["seed"] = Seed,
            // Shuffling and dropout continue from here after Load (a string: a ulong does not fit a JSON double).
            ["random_state"] = Random.State.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["class"] = this is Sequential ? "Sequential" : "Functional",
            ["compile"] = Optimizer is null || Loss is null ? null : new Dictionary<string, object?>
            {
                ["optimizer"] = Optimizer.GetType().Name.ToLowerInvariant(),
                ["optimizer_config"] = Optimizer.Config(),
                ["clip_value"] = Optimizer.ClipValue,
                ["clip_norm"] = Optimizer.ClipNorm,
                ["global_clip_norm"] = Optimizer.GlobalClipNorm,
                ["iterations"] = Optimizer.Iterations,
                ["loss"] = Loss.Name,
                ["from_logits"] = Loss.FromLogits,
                ["losses"] = Losses.Select(l => new Dictionary<string, object?> { ["name"] = l.Name, ["from_logits"] = l.FromLogits }).ToList(),
                ["metrics"] = Metrics.Select(m => m.Name).ToList(),
            },
        };
        foreach (var (key, value) in ArchitectureRecord())
            model[key] = value;
        var entries = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["format"] = "gpulstm.model",
            [FormatVersionKey] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ModelKey] = JsonSerializer.Serialize(model),
        };
        SafeTensorsFile.Write(path, tensors, entries);
    }

    private static void CheckFormatVersion(SafeTensorsContent content, string path, string op)
    {
        if (!content.Metadata.TryGetValue(FormatVersionKey, out string? text))
            return; // written before format_version existed: version 1
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int version) || version < 1)
            throw new InvalidDataException($"{op}: {Path.GetFileName(path)} has format_version '{text}', expected a positive integer.");
        if (version > FormatVersion)
            throw new InvalidDataException(
                $"{op}: {Path.GetFileName(path)} has format_version {version}, written by a newer GpuLstm; this version reads up to {FormatVersion}.");
    }

    /// <summary>The string metadata stored in a saved model or weights file.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => SafeTensorsFile.Read(path).Metadata;

    /// <summary>
    /// Recreates a model saved by Save on <paramref name="device"/> (null: the best device present): a
    /// Sequential or a functional Model, whichever was saved. The whole record is checked first, then the
    /// layers are created on the host and their weight shapes compared with the file's tensors; only then
    /// is anything allocated. A bad file is an InvalidDataException naming it and the key or tensor (the
    /// reader's own errors aside); nothing stays allocated.
    /// </summary>
    public static Model Load(string path, Device.ComputeDevice? device = null)
    {
        var (content, root) = ReadArchitecture(path);
        var record = new RecordNode(root, Path.GetFileName(path), "");
        record.RequireObject();
        bool functional = (record.Optional("class")?.OneOf(["Sequential", "Functional"]) ?? "Sequential") == "Functional";
        string name = record["name"].String();
        int seed = record["seed"].Int(int.MinValue, int.MaxValue);
        ulong? randomState = record.Optional("random_state") is { } state // absent in files from before it was saved
            ? ulong.TryParse(state.String(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong value)
                ? value
                : throw state.Error("is not an unsigned 64-bit integer.")
            : null;
        Func<Model> create = functional
            ? FunctionalRecord.Parse(record, name, seed, device)
            : Sequential.Parse(record, name, seed, device);
        var compile = record.Optional("compile") is { } c // null or absent: saved uncompiled
            ? SavedCompile.Parse(c, functional ? record["outputs"].Items().Count : 1)
            : null;
        var model = create();
        try
        {
            if (compile is not null)
                record["compile"].Creating(() =>
                {
                    compile.Apply(model);
                    return 0;
                });
            var weights = model.CheckTensors(content, compile, record.File);
            model.Build();
            for (int i = 0; i < weights.Count; i++)
                model.Parameters!.Parameters[i].CopyFrom(weights[i].Data);
            if (compile is not null && model.Optimizer is { } optimizer)
            {
                foreach (var tensor in content.Tensors.Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)))
                    optimizer.State(tensor.Name[OptimizerPrefix.Length..], model.Parameters!).CopyFrom(tensor.Data);
            }
            if (randomState is { } r)
                model.Random.State = r;
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The saved model's architecture (Sequential: input_shape and layers; functional: layers, inputs, nodes, outputs).</summary>
    private protected virtual Dictionary<string, object?> ArchitectureRecord() => FunctionalRecord.Write(_graph!);

    /// <summary>The architecture record's root: a format version this build reads and JSON that parses.</summary>
    private static (SafeTensorsContent Content, JsonElement Root) ReadArchitecture(string path)
    {
        var content = SafeTensorsFile.Read(path);
        CheckFormatVersion(content, path, "Load");
        if (!content.Metadata.TryGetValue(ModelKey, out string? json))
            throw new InvalidDataException($"Load: {Path.GetFileName(path)} holds weights only (no architecture); build the model in code and call LoadWeights.");
        try
        {
            return (content, JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 }).RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Load: {Path.GetFileName(path)} has a corrupt architecture record ({ModelKey}): {e.Message}");
        }
    }

    private IEnumerable<NamedTensorData> WeightData() =>
        Parameters!.Parameters.Select(p => new NamedTensorData(p.Name, p.Shape.ToArray(), p.ToArray()));

    private static float[] Checked(NamedTensorData tensor, IReadOnlyList<int> expected, string path)
    {
        if (!tensor.Shape.SequenceEqual(expected))
            throw new InvalidDataException(
                $"{Path.GetFileName(path)}: '{tensor.Name}' has shape {ShapeUtil.Format(tensor.Shape)}, the model expects {ShapeUtil.Format(expected)}.");
        return tensor.Data;
    }

    private void RequireBuilt(string what)
    {
        if (InputShapes is not null)
            Build();
        if (!IsBuilt)
            throw new InvalidOperationException($"{what}: the model has no weights yet; give the first layer an inputShape or call Build/Fit.");
    }

}
