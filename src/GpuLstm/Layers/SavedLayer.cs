namespace GpuLstm.Layers;

/// <summary>
/// A layer of a saved model, checked but not yet created: its class, name, what a functional call of it
/// may look like, and how to create it (the input shape is given to a Sequential's first layer).
/// </summary>
internal sealed record SavedLayer(string ClassName, string Name, Func<IReadOnlyList<int>?, Layer> Create)
{
    /// <summary>States of a recurrent layer (LSTM 2, GRU and SimpleRNN 1); 0 when it cannot take or return states.</summary>
    public int StateCount { get; init; }

    /// <summary>Created with return_state: a functional call must ask for the states.</summary>
    public bool ReturnState { get; init; }

    public bool IsMerge => ClassName is "Concatenate" or "Add";
}
