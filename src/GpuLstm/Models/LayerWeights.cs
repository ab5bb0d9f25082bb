using System.Globalization;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;
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
        return ForBuilt(device, seed, layers.Select(l => l.Layer).ToList(), "LayerWeights");
    }

    /// <summary>
    /// The weights of already named and built layers, initialised in layer order from the seed, then bound.
    /// Sizes are checked in 64 bits before anything is allocated; on any failure nothing stays allocated.
    /// </summary>
    /// <param name="owner">The model (or caller) named in errors.</param>
    internal static ParameterSet ForBuilt(ComputeDevice device, int seed, IReadOnlyList<Layer> layers, string owner)
    {
        var specs = layers.SelectMany(l => l.WeightSpecs(l.InputShape!).Select(w => (Layer: l, Spec: w))).ToList();
        if (specs.Count == 0)
            throw new InvalidOperationException("no layer has weights.");
        CheckSizes(specs, owner);
        ParameterSet parameters;
        try
        {
            parameters = new ParameterSet(device, specs.Select(s => ($"{s.Layer.Name}/{s.Spec.Name}", s.Spec.Shape)));
        }
        catch (InsufficientMemoryException e)
        {
            throw new InsufficientMemoryException($"{owner}: cannot allocate the weights of {Describe(layers)}: {e.Message}", e);
        }
        try
        {
            var rng = new Random(seed);
            foreach (var (layer, spec) in specs)
                parameters[$"{layer.Name}/{spec.Name}"].CopyFrom(spec.Initialize(rng));
            foreach (var layer in layers)
                layer.Bind(parameters);
            return parameters;
        }
        catch
        {
            parameters.Free();
            throw;
        }
    }

    /// <summary>Every weight, and all of them together (one buffer), must fit what one device buffer holds.</summary>
    private static void CheckSizes(List<(Layer Layer, WeightSpec Spec)> specs, string owner)
    {
        long total = 0;
        foreach (var (layer, spec) in specs)
        {
            ShapeUtil.Validate(spec.Shape, $"{owner}: {layer.Name} ({layer.KerasClassName}) {spec.Name}");
            total += ShapeUtil.Elements(spec.Shape);
        }
        if (total > ShapeUtil.MaxElements)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{owner}: the weights of {Describe(specs.Select(s => s.Layer).Distinct().ToList())} total {total:N0} floats ({ShapeUtil.FormatBytes(total)}, " +
                $"and as much again for their gradients); they live in one device buffer, which holds at most {ShapeUtil.MaxElements:N0}. Use fewer units or layers."));
    }

    /// <summary>"lstm (LSTM) 4,000,040 weights, dense (Dense) 33 weights".</summary>
    private static string Describe(IReadOnlyList<Layer> layers) => string.Join(", ", layers.Where(l => l.ParameterCount > 0)
        .Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Name} ({l.KerasClassName}) {l.ParameterCount:N0} weights")));
}
