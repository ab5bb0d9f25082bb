namespace GpuLstm.Layers;

/// <summary>
/// One call of a layer in a functional graph (Keras Node): the layer, the tensors it was called on
/// (the input, then any initial states) and the tensors it produced. An Input is a node without a layer.
/// </summary>
internal sealed class LayerNode
{
    private static long s_created; // creation order: a valid execution order, since a call needs its inputs first

    public LayerNode(Layer? layer, SymbolicTensor[] inputs, SymbolicTensor[] initialStates, int outputCount)
    {
        Id = Interlocked.Increment(ref s_created);
        Layer = layer;
        Inputs = inputs;
        InitialStates = initialStates;
        OutputCount = outputCount;
    }

    public long Id { get; }

    /// <summary>Null for an Input.</summary>
    public Layer? Layer { get; }

    public SymbolicTensor[] Inputs { get; }
    public SymbolicTensor[] InitialStates { get; }

    /// <summary>1 for a plain call; 1 + the cell's states for a recurrent call with returnState.</summary>
    public int OutputCount { get; }

    public SymbolicTensor[] Outputs { get; set; } = [];

    /// <summary>Every tensor the call reads, in Keras order (input, then initial states).</summary>
    public IEnumerable<SymbolicTensor> AllInputs => Inputs.Concat(InitialStates);

    public string Describe() => Layer is null ? "Input" : $"{Layer.Name ?? Layer.DefaultBaseName} ({Layer.KerasClassName})";
}
