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
        ["layers"] = _layers.Select(LayerFactory.Record).ToList(),
    };


    /// <summary>Checks a Sequential's record (input_shape, layers) completely; the function it returns creates the model on the host.</summary>
    internal static Func<Sequential> Parse(RecordNode root, string name, int seed, Device.ComputeDevice? device)
    {
        var inputShape = root["input_shape"].Shape(allowAny: true);
        var layerNodes = root["layers"].Items(1, 4096);
        var layers = layerNodes.Select(LayerFactory.Parse).ToArray();
        var names = new HashSet<string>();
        for (int i = 0; i < layers.Length; i++)
        {
            if (!names.Add(layers[i].Name))
                throw layerNodes[i]["name"].Error($"is '{layers[i].Name}', the name of an earlier layer.");
        }
        return () =>
        {
            var model = new Sequential(name, device, seed);
            try
            {
                for (int i = 0; i < layers.Length; i++)
                {
                    var shape = LayerFactory.InputShapeFor(layers[i].ClassName, i == 0, inputShape);
                    layerNodes[i].Creating(() =>
                    {
                        model.Add(layers[i].Create(shape));
                        return 0;
                    });
                }
                root["input_shape"].Creating(() =>
                {
                    model.InferShapes(inputShape);
                    return 0;
                });
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        };
    }
}
