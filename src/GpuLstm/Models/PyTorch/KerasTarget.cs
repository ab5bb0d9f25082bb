using GpuLstm.Layers;

namespace GpuLstm.Models.PyTorch;

/// <summary>
/// A layer of the model that takes weights from one PyTorch unit: Dense (also inside
/// TimeDistributed) from nn.Linear, Embedding from nn.Embedding, a recurrent layer from one layer of an
/// RNN, Bidirectional from one layer with its _reverse half. <see cref="Layer"/> is the model's layer,
/// whose name a mapping uses.
/// </summary>
internal sealed class KerasTarget
{
    private KerasTarget(Layer layer, Dense? dense = null, Embedding? embedding = null, RecurrentLayer? forward = null,
        RecurrentLayer? backward = null, RecurrentCellFormat? cell = null)
    {
        Layer = layer;
        Dense = dense;
        Embedding = embedding;
        Forward = forward;
        Backward = backward;
        Cell = cell;
    }

    public Layer Layer { get; }
    public Dense? Dense { get; }
    public Embedding? Embedding { get; }

    /// <summary>The recurrent layer, or a Bidirectional's forward half.</summary>
    public RecurrentLayer? Forward { get; }

    /// <summary>A Bidirectional's backward half; null for one direction.</summary>
    public RecurrentLayer? Backward { get; }
    public RecurrentCellFormat? Cell { get; }

    public string Describe() => $"'{Layer.Name}' ({Layer.KerasClassName}{(Layer is TimeDistributed ? "(Dense)" : "")})";

    /// <summary>The model's layers that have weights, in model order; throws for one PyTorch has no counterpart for.</summary>
    public static List<KerasTarget> For(IReadOnlyList<Layer> layers)
    {
        var targets = new List<KerasTarget>();
        foreach (var layer in layers)
        {
            if (layer.ParameterCount == 0)
                continue;
            targets.Add(layer switch
            {
                Dense dense => new KerasTarget(layer, dense: dense),
                TimeDistributed { Layer: Dense dense } => new KerasTarget(layer, dense: dense),
                Embedding embedding => new KerasTarget(layer, embedding: embedding),
                RecurrentLayer recurrent => new KerasTarget(layer, forward: recurrent, cell: CellOf(recurrent)),
                Bidirectional bidirectional => new KerasTarget(layer, forward: bidirectional.Directions.Forward,
                    backward: bidirectional.Directions.Backward, cell: CellOf(bidirectional.Layer)),
                _ => throw Unsupported(layer),
            });
        }
        return targets;
    }

    private static RecurrentCellFormat CellOf(RecurrentLayer layer) => RecurrentCellFormat.ForKeras(layer.KerasClassName) ?? throw Unsupported(layer);

    private static NotSupportedException Unsupported(Layer layer) => new(
        $"LoadPyTorchStateDict: {layer.Name} ({layer.KerasClassName}) has no PyTorch counterpart here; supported: Dense and TimeDistributed(Dense) " +
        $"(nn.Linear), Embedding (nn.Embedding), {string.Join(", ", RecurrentCellFormat.All.Select(c => $"{c.KerasClassName} ({c.TorchClassName})"))} and Bidirectional of them.");
}
