using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Optimizers;

namespace GpuLstm.Layers;

/// <summary>
/// Keras Bidirectional(LSTM/GRU/SimpleRNN): one copy reads the sequence forwards, one backwards, and their
/// outputs are merged (concat, sum, mul or ave). With returnSequences the backward copy's outputs are put
/// back in time order first, as Keras does. Weights: {name}/forward_lstm/..., {name}/backward_lstm/...
/// (forward_gru, forward_simple_rnn for the other cells).
/// </summary>
public sealed class Bidirectional : Layer
{
    private readonly RecurrentLayer _forward;
    private readonly RecurrentLayer _backward;

    public Bidirectional(RecurrentLayer layer, string mergeMode = "concat", string? name = null, (int Steps, int Features)? inputShape = null)
        : base(name, inputShape is { } s ? [s.Steps, s.Features] : layer.DeclaredInputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Stateful)
            throw new NotSupportedException($"Bidirectional: stateful {layer.KerasClassName} layers are not supported.");
        if (layer.ReturnState)
            throw new NotSupportedException($"Bidirectional: a wrapped {layer.KerasClassName} with returnState is not supported yet.");
        MergeMode = MergeModes.Parse(mergeMode, "Bidirectional");
        Layer = layer;
        _forward = layer.WithDirection(goBackwards: layer.GoBackwards);
        _backward = layer.WithDirection(goBackwards: !layer.GoBackwards);
    }

    /// <summary>The wrapped layer as given (its settings define both directions).</summary>
    public RecurrentLayer Layer { get; }
    public MergeMode MergeMode { get; }
    public override string KerasClassName => "Bidirectional";
    protected internal override string DefaultBaseName => "bidirectional";

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape)
    {
        _forward.Name = $"{Name}/{ForwardPrefix}";
        _backward.Name = $"{Name}/{BackwardPrefix}";
        _forward.Build(inputShape);
        _backward.Build(inputShape);
        var shape = _forward.OutputShape!.ToArray();
        if (MergeMode == MergeMode.Concat)
            shape[^1] *= 2;
        return shape;
    }

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape) =>
        _forward.WeightSpecs(inputShape).Select(w => w with { Name = $"{ForwardPrefix}/{w.Name}" })
            .Concat(_backward.WeightSpecs(inputShape).Select(w => w with { Name = $"{BackwardPrefix}/{w.Name}" }));

    private string ForwardPrefix => "forward_" + Layer.DefaultBaseName;
    private string BackwardPrefix => "backward_" + Layer.DefaultBaseName;

    internal override void Bind(ParameterSet parameters)
    {
        _forward.Bind(parameters);
        _backward.Bind(parameters);
    }

    protected internal override Dictionary<string, object?> Config() => new()
    {
        ["merge_mode"] = MergeModes.Name(MergeMode), ["layer"] = Layer.Config(), ["layer_class"] = Layer.KerasClassName,
    };

    /// <summary>The forward and backward layers, for weight import.</summary>
    internal (RecurrentLayer Forward, RecurrentLayer Backward) Directions => (_forward, _backward);

    protected internal override Tensor Forward(LayerContext context, Tensor x)
    {
        var forward = _forward.Call(context, x).Output;
        var backward = _backward.Call(context, x, restoreTimeOrder: true).Output;
        if (forward.Mask is { } mask)
        {
            // Keras 3 zeroes masked steps of both directions' sequences (a padded step would otherwise
            // repeat the forward LSTM's last real output).
            forward = MaskOp.ZeroMaskedSteps(context.Tape, forward, mask, Name + ".forward");
            backward = MaskOp.ZeroMaskedSteps(context.Tape, backward, mask, Name + ".backward");
        }
        return MergeOp.Forward(context.Tape, forward, backward, MergeMode, Name!).WithMask(forward.Mask);
    }
}
