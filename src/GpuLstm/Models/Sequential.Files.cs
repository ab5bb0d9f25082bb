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
public sealed partial class Sequential
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
        RequireBuilt("GetWeights");
        return Parameters!.Parameters.Select(p => new HostArray(p.ToArray(), [.. p.Shape])).ToList();
    }

    /// <summary>Replaces every weight (Keras set_weights): the same count, order and shapes as GetWeights; checked before anything is copied.</summary>
    public void SetWeights(IReadOnlyList<HostArray> weights)
    {
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
            ["input_shape"] = InputShape,
            ["layers"] = _layers.Select(l => new Dictionary<string, object?> { ["class"] = l.KerasClassName, ["name"] = l.Name, ["config"] = l.Config() }).ToList(),
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
                ["metrics"] = Metrics.Select(m => m.Name).ToList(),
            },
        };
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

    /// <summary>Recreates a model saved by Save on <paramref name="device"/> (null: the best device present).</summary>
    public static Sequential Load(string path, Device.ComputeDevice? device = null)
    {
        var content = SafeTensorsFile.Read(path);
        CheckFormatVersion(content, path, "Load");
        if (!content.Metadata.TryGetValue(ModelKey, out string? json))
            throw new InvalidDataException($"Load: {Path.GetFileName(path)} holds weights only (no architecture); build the model in code and call LoadWeights.");
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Load: {Path.GetFileName(path)} has a corrupt architecture record: {e.Message}");
        }
        var inputShape = root.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var model = new Sequential(root.GetProperty("name").GetString() ?? "sequential", device, root.GetProperty("seed").GetInt32());
        try
        {
            bool first = true;
            foreach (var layer in root.GetProperty("layers").EnumerateArray())
            {
                string className = layer.GetProperty("class").GetString()!;
                model.Add(LayerFactory.Create(className, layer.GetProperty("name").GetString()!, layer.GetProperty("config"),
                    LayerFactory.InputShapeFor(className, first, inputShape)));
                first = false;
            }
            model.Build(inputShape);
            model.LoadWeights(path);
            if (root.TryGetProperty("random_state", out var state)) // absent in files from before it was saved
            {
                model.Random.State = ulong.TryParse(state.GetString(), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out ulong value)
                    ? value
                    : throw new InvalidDataException($"Load: {Path.GetFileName(path)} has random_state '{state}', expected an unsigned 64-bit integer.");
            }
            if (root.TryGetProperty("compile", out var compile) && compile.ValueKind == JsonValueKind.Object)
                model.RestoreCompile(compile, content, path);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private void RestoreCompile(JsonElement compile, SafeTensorsContent content, string path)
    {
        var config = compile.GetProperty("optimizer_config");
        float F(string key) => config.GetProperty(key).GetSingle();
        Optimizer optimizer = compile.GetProperty("optimizer").GetString() switch
        {
            "adam" => new Adam(F("learning_rate"), F("beta_1"), F("beta_2"), F("epsilon")),
            "adamw" => new AdamW(F("learning_rate"), F("weight_decay"), F("beta_1"), F("beta_2"), F("epsilon")),
            "sgd" => new Sgd(F("learning_rate"), F("momentum"), F("nesterov") != 0),
            "rmsprop" => new RmsProp(F("learning_rate"), F("rho"), F("epsilon")),
            var other => throw new InvalidDataException($"Load: unknown optimizer '{other}' in {Path.GetFileName(path)}."),
        };
        optimizer.ClipValue = compile.GetProperty("clip_value").GetSingle();
        optimizer.ClipNorm = compile.TryGetProperty("clip_norm", out var clipNorm) ? clipNorm.GetSingle() : 0f;
        optimizer.GlobalClipNorm = compile.GetProperty("global_clip_norm").GetSingle();
        optimizer.RestoreIterations(compile.GetProperty("iterations").GetInt64());
        foreach (var tensor in content.Tensors.Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)))
        {
            var state = optimizer.State(tensor.Name[OptimizerPrefix.Length..], Parameters!);
            state.CopyFrom(Checked(tensor, state.Shape, path));
        }
        var loss = new LossFunction(compile.GetProperty("loss").GetString()!, compile.GetProperty("from_logits").GetBoolean());
        Compile(optimizer, loss, compile.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()!));
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
        if (_layers.Count > 0 && InputShape is not null)
            Build();
        if (!IsBuilt)
            throw new InvalidOperationException($"{what}: the model has no weights yet; give the first layer an inputShape or call Build/Fit.");
    }

}
