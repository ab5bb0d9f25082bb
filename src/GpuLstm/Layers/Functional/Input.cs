namespace GpuLstm.Layers;

/// <summary>
/// Keras <c>Input(shape)</c>: an entry point of a functional model. The shape excludes the batch axis;
/// null marks an axis of any length, e.g. <c>new Input([null, 27])</c> for sequences of any length with 27
/// features. Its row in Summary is an InputLayer (input_layer, input_layer_1, ...).
/// </summary>
public sealed class Input : SymbolicTensor
{
    public Input(IReadOnlyList<int?> shape, string? name = null)
        : base(Checked(shape), new LayerNode(null, [], [], 1), 0)
    {
        Name = name;
        Producer.Outputs = [this];
    }

    /// <summary>The InputLayer's name: given, or assigned by the model (input_layer, input_layer_1, ...).</summary>
    public string? Name { get; internal set; }

    private static int[] Checked(IReadOnlyList<int?> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count == 0)
            throw new ArgumentException("Input: shape needs at least one axis (the batch axis is not part of it).");
        if (shape.Any(d => d is <= 0))
            throw new ArgumentException($"Input: axes must be positive or null (any length), got ({string.Join(", ", shape.Select(d => d?.ToString() ?? "null"))}).");
        return shape.Select(d => d ?? -1).ToArray();
    }
}
