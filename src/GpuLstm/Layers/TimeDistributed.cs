using GpuLstm.Memory;
using GpuLstm.Optimizers;

namespace GpuLstm.Layers;

/// <summary>
/// Keras TimeDistributed: applies a layer to every time step of [B, T, ...]. Supported for layers
/// that act on the last axis (Dense, Dropout), which GpuLstm runs over all steps at once.
/// </summary>
public sealed class TimeDistributed : Layer
{
    public TimeDistributed(Layer layer, string? name = null) : base(name, null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is not (Dense or Dropout))
            throw new NotSupportedException($"TimeDistributed: only Dense and Dropout can be wrapped, got {layer.KerasClassName}.");
        Layer = layer;
    }

    public Layer Layer { get; }
    public override string KerasClassName => "TimeDistributed";
    protected internal override string DefaultBaseName => "time_distributed";

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape)
    {
        if (inputShape.Count < 2)
            throw new ArgumentException(ShapeError("(time steps, ...features)", inputShape));
        Layer.Name = $"{Name}/{Layer.DefaultBaseName}";
        Layer.Build(inputShape.Skip(1).ToArray());
        return [inputShape[0], .. Layer.OutputShape!];
    }

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape) =>
        Layer.WeightSpecs(inputShape.Skip(1).ToArray()).Select(w => w with { Name = Layer.DefaultBaseName + "/" + w.Name });

    internal override void Bind(ParameterSet parameters) => Layer.Bind(parameters);

    protected internal override Dictionary<string, object?> Config() => new()
    {
        ["layer_class"] = Layer.KerasClassName, ["layer"] = Layer.Config(),
    };

    // Dense and Dropout already treat every leading axis as a batch axis.
    protected internal override Tensor Forward(LayerContext context, Tensor x)
    {
        var y = Layer.Forward(context, x);
        return ReferenceEquals(y, x) ? y : y.WithMask(x.Mask);
    }
}
