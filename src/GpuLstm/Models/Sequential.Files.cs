using System.Text.Json;
using GpuLstm.Layers;

namespace GpuLstm.Models;

/// <summary>A Sequential's architecture record: the input shape and the layers in order.</summary>
public sealed partial class Sequential
{
    /// <summary>Recreates a Sequential saved by Save (a functional model's file is an error: use <see cref="Model.Load"/>).</summary>
    public static new Sequential Load(string path, Device.ComputeDevice? device = null)
    {
        var model = Model.Load(path, device);
        if (model is Sequential sequential)
            return sequential;
        model.Dispose();
        throw new InvalidDataException($"Load: {Path.GetFileName(path)} holds a functional model; load it with Model.Load.");
    }

    private protected override Dictionary<string, object?> ArchitectureRecord() => new()
    {
        ["input_shape"] = InputShape,
        ["layers"] = _layers.Select(LayerRecord).ToList(),
    };

    internal static Dictionary<string, object?> LayerRecord(Layer layer) =>
        new() { ["class"] = layer.KerasClassName, ["name"] = layer.Name, ["config"] = layer.Config() };

    internal static Sequential Create(JsonElement root, Device.ComputeDevice? device)
    {
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
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
