using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Optimizers;

namespace GpuLstm.Models;

/// <summary>
/// Weights for layers used outside a Sequential (an encoder–decoder, say): names and builds each
/// layer for its input shape, puts every weight in one ParameterSet, initialises it from a seed and
/// binds the layers to it. The caller owns (and disposes) the returned set.
/// </summary>
public static class LayerWeights
{
    public static ParameterSet Create(ComputeDevice device, int seed, params (Layer Layer, string Name, int[] InputShape)[] layers)
    {
        foreach (var (layer, name, inputShape) in layers)
        {
            layer.Name = name;
            layer.Build(inputShape);
        }
        return ForBuilt(device, seed, layers.Select(l => l.Layer).ToList());
    }

    /// <summary>The weights of already named and built layers, initialised in layer order from the seed, then bound.</summary>
    internal static ParameterSet ForBuilt(ComputeDevice device, int seed, IReadOnlyList<Layer> layers)
    {
        var specs = layers.SelectMany(l => l.WeightSpecs(l.InputShape!).Select(w => (Layer: l, Spec: w))).ToList();
        if (specs.Count == 0)
            throw new InvalidOperationException("no layer has weights.");
        var parameters = new ParameterSet(device, specs.Select(s => ($"{s.Layer.Name}/{s.Spec.Name}", s.Spec.Shape)));
        var rng = new Random(seed);
        foreach (var (layer, spec) in specs)
            parameters[$"{layer.Name}/{spec.Name}"].CopyFrom(spec.Initialize(rng));
        foreach (var layer in layers)
            layer.Bind(parameters);
        return parameters;
    }
}
