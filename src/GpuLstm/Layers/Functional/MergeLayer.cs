using GpuLstm.Memory;

namespace GpuLstm.Layers;

/// <summary>
/// A layer that combines several tensors into one (Keras merging layers: Concatenate, Add). It exists
/// only in functional models, where it is applied to a list of symbolic tensors; it has no weights.
/// </summary>
public abstract class MergeLayer : Layer
{
    private IReadOnlyList<int>[]? _inputShapes; // of the call being recorded

    protected MergeLayer(string? name) : base(name, null)
    {
    }

    /// <summary>Applies the layer to two or more symbolic tensors (Keras <c>layers.Concatenate()([a, b])</c>).</summary>
    public SymbolicTensor Apply(IReadOnlyList<SymbolicTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count < 2 || inputs.Any(i => i is null))
            throw new ArgumentException($"{Name ?? DefaultBaseName} ({KerasClassName}): needs a list of at least 2 tensors, got {inputs.Count}.");
        _inputShapes = inputs.Select(i => i.Shape).ToArray();
        try
        {
            var outputShape = Combine(_inputShapes);
            if (!IsBuilt)
                Build(inputs[0].Shape);
            return RecordNode([.. inputs], [], [outputShape])[0];
        }
        finally
        {
            _inputShapes = null;
        }
    }

    /// <summary>The output shape for these input shapes; throws naming the layer when they do not fit together.</summary>
    protected abstract int[] Combine(IReadOnlyList<IReadOnlyList<int>> shapes);

    /// <summary>Runs the layer on one batch of each input.</summary>
    protected internal abstract Tensor Merge(LayerContext context, IReadOnlyList<Tensor> inputs);

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape) => Combine(_inputShapes ?? [inputShape]);

    protected internal override Tensor Forward(LayerContext context, Tensor x) => throw new InvalidOperationException(
        $"{Name} ({KerasClassName}) takes a list of inputs: apply it to several tensors in a functional model.");

    protected string MismatchError(IReadOnlyList<IReadOnlyList<int>> shapes, string rule) =>
        $"{Name ?? DefaultBaseName} ({KerasClassName}): {rule}; got {string.Join(", ", shapes.Select(s => Models.ModelSummary.FormatShape(s)))}.";

    /// <summary>Whether two axis lengths agree, -1 (any length) agreeing with everything.</summary>
    protected static bool Agree(int a, int b) => a < 0 || b < 0 || a == b;
}
