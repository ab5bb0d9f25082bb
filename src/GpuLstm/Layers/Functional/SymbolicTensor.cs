namespace GpuLstm.Layers;

/// <summary>
/// A placeholder for a tensor in a functional model (Keras KerasTensor): its per-sample shape (batch axis
/// excluded, -1 for an axis of any length, printed None) and the layer call that produces it.
/// Applying layers to symbolic tensors records the graph that <c>Model(inputs, outputs)</c> then runs.
/// </summary>
public class SymbolicTensor
{
    internal SymbolicTensor(int[] shape, LayerNode producer, int outputIndex)
    {
        Shape = shape;
        Producer = producer;
        OutputIndex = outputIndex;
    }

    /// <summary>Per-sample shape, batch axis excluded; -1 marks an axis of any length (Keras None).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The layer call (or Input) that produces this tensor.</summary>
    internal LayerNode Producer { get; }

    /// <summary>Which of the producer's outputs this is (Keras tensor_index: 0 output, 1.. states).</summary>
    internal int OutputIndex { get; }

    public override string ToString() => $"SymbolicTensor(shape={Models.ModelSummary.FormatShape(Shape)}, from {Producer.Describe()})";
}
