using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Optimizers;

namespace GpuLstm.Layers;

/// <summary>
/// Keras Bidirectional(LSTM): one copy reads the sequence forwards, one backwards, and their outputs
/// are merged (concat, sum, mul or ave). With returnSequences the backward copy's outputs are put
/// back in time order first, as Keras does. Weights: {name}/forward_lstm/..., {name}/backward_lstm/....
/// </summary>
public sealed class Bidirectional : Layer
{
    private readonly Lstm _forward;
    private readonly Lstm _backward;

    public Bidirectional(Lstm layer, string mergeMode = "concat", string? name = null, (int Steps, int Features)? inputShape = null)
        : base(name, inputShape is { } s ? [s.Steps, s.Features] : layer.DeclaredInputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Stateful)
            throw new NotSupportedException("Bidirectional: stateful LSTMs are not supported.");
        MergeMode = MergeModes.Parse(mergeMode, "Bidirectional");
        Layer = layer;
        _forward = layer.WithDirection(goBackwards: layer.GoBackwards);
        _backward = layer.WithDirection(goBackwards: !layer.GoBackwards);
    }

    /// <summary>The wrapped layer as given (its settings define both directions).</summary>
    public Lstm Layer { get; }
    public MergeMode MergeMode { get; }
    public override string KerasClassName => "Bidirectional";
    protected internal override string DefaultBaseName => "bidirectional";

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape)
    {
        _forward.Name = $"{Name}/forward_lstm";
        _backward.Name = $"{Name}/backward_lstm";
        _forward.Build(inputShape);
        _backward.Build(inputShape);
        var shape = _forward.OutputShape!.ToArray();
        if (MergeMode == MergeMode.Concat)
            shape[^1] *= 2;
        return shape;
    }

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape) =>
        _forward.WeightSpecs(inputShape).Select(w => w with { Name = "forward_lstm/" + w.Name })
            .Concat(_backward.WeightSpecs(inputShape).Select(w => w with { Name = "backward_lstm/" + w.Name }));

    internal override void Bind(ParameterSet parameters)
    {
        _forward.Bind(parameters);
        _backward.Bind(parameters);
    }

    protected internal override Dictionary<string, object?> Config() => new()
    {
        ["merge_mode"] = MergeModes.Name(MergeMode), ["layer"] = Layer.Config(),
    };

    /// <summary>The forward and backward LSTMs, for weight import.</summary>
    internal (Lstm Forward, Lstm Backward) Directions => (_forward, _backward);

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
