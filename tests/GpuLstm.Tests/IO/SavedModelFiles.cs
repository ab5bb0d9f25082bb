using System.Text.Json.Nodes;
using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Optimizers;

namespace GpuLstm.Tests.IO;

/// <summary>A trained Sequential and a trained functional model saved to disk, and helpers that rewrite their architecture record.</summary>
public sealed class SavedModelFiles : IDisposable
{
    public SavedModelFiles()
    {
        var rng = new Random(5);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        SequenceX = new HostArray(R(8 * 5 * 3), 8, 5, 3);
        SideX = new HostArray(R(8 * 2), 8, 2);

        using (var sequential = new Sequential(device: Device, seed: 3))
        {
            sequential.Add(new Lstm(4, inputShape: (5, 3)));
            sequential.Add(new Dropout(0.1f));
            sequential.Add(new Dense(2));
            sequential.Compile(new Adam(0.01f), "mse");
            sequential.Fit(SequenceX, new HostArray(R(16), 8, 2), batchSize: 4, epochs: 1, verbose: 0);
            sequential.Save(SequentialPath);
            SequentialPrediction = sequential.Predict(SequenceX).Data;
        }

        var a = new Input([5, 3], "a");
        var b = new Input([2], "b");
        var lstm = new Lstm(3, returnState: true, name: "encoder").ApplyWithState(a);
        var side = new Dense(3, "relu", name: "side").Apply(b);
        var joined = new Concatenate(name: "join").Apply([lstm[0], side, lstm[1]]);
        using (var functional = new Model([a, b], new Dense(1, name: "head").Apply(joined), "two_inputs", Device, seed: 4))
        {
            functional.Compile(new Sgd(0.05f, momentum: 0.5f), "mse");
            functional.Fit([SequenceX, SideX], [new HostArray(R(8), 8, 1)], batchSize: 4, epochs: 1, verbose: 0);
            functional.Save(FunctionalPath);
            FunctionalPrediction = functional.Predict([SequenceX, SideX])[0].Data;
        }
    }

    public ComputeDevice Device { get; } = ComputeDevice.Create(DeviceKind.Cpu);
    public TempDirectory Directory { get; } = new();
    public string SequentialPath => Directory.File("sequential.safetensors");
    public string FunctionalPath => Directory.File("functional.safetensors");
    public HostArray SequenceX { get; }
    public HostArray SideX { get; }
    public float[] SequentialPrediction { get; }
    public float[] FunctionalPrediction { get; }

    public static JsonObject Record(string path) => JsonNode.Parse(SafeTensorsFile.Read(path).Metadata["gpulstm.model"])!.AsObject();

    /// <summary>Writes <paramref name="source"/> to <paramref name="target"/> with its record changed by <paramref name="mutate"/> and tensors filtered by <paramref name="keep"/>.</summary>
    public static void Rewrite(string source, string target, Action<JsonObject>? mutate, Func<string, bool>? keep = null)
    {
        var content = SafeTensorsFile.Read(source);
        var metadata = content.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        var record = Record(source);
        mutate?.Invoke(record);
        metadata["gpulstm.model"] = record.ToJsonString();
        SafeTensorsFile.Write(target, content.Tensors.Where(t => keep?.Invoke(t.Name) ?? true).ToList(), metadata);
    }

    public void Dispose()
    {
        Device.Dispose();
        Directory.Dispose();
    }
}
