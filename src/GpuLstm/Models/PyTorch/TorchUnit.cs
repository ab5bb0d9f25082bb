using GpuLstm.IO;
using GpuLstm.Memory;

namespace GpuLstm.Models.PyTorch;

/// <summary>What a state_dict module can fill: nn.Linear (weight and bias), a lone weight (nn.Embedding or a bias-free nn.Linear), or one layer of an RNN.</summary>
internal enum TorchUnitKind { Linear, WeightOnly, Recurrent }

/// <summary>
/// One importable piece of a PyTorch state_dict: a Linear/Embedding module, or layer k of an
/// nn.LSTM/nn.GRU/nn.RNN module (a stacked RNN gives one unit per layer). Tensors are keyed by their
/// name within the module: weight, bias, weight_ih_l0, bias_hh_l0_reverse, ...
/// </summary>
internal sealed class TorchUnit
{
    public TorchUnit(string module, TorchUnitKind kind, IReadOnlyDictionary<string, NamedTensorData> tensors,
        int layer = -1, int layerCount = 0, bool bidirectional = false, RecurrentCellFormat? cell = null)
    {
        Module = module;
        Kind = kind;
        Tensors = tensors;
        Layer = layer;
        LayerCount = layerCount;
        Bidirectional = bidirectional;
        Cell = cell;
        Segments = module.Length == 0 ? [] : module.Split('.');
    }

    /// <summary>The module's state_dict prefix without its final dot ("" for a module saved on its own).</summary>
    public string Module { get; }
    public TorchUnitKind Kind { get; }
    public IReadOnlyDictionary<string, NamedTensorData> Tensors { get; }

    /// <summary>RNN layer index k (the _l{k} suffix); -1 for Linear/Embedding.</summary>
    public int Layer { get; }
    public int LayerCount { get; }
    public bool Bidirectional { get; }
    public RecurrentCellFormat? Cell { get; }
    public IReadOnlyList<string> Segments { get; }

    /// <summary>The name a mapping uses: the module prefix, with _l{k} for a layer of a stacked RNN.</summary>
    public string Label => Layer < 0 || LayerCount == 1 ? Module : $"{Module}_l{Layer}";

    /// <summary>The full tensor name for a name within the module.</summary>
    public string TensorName(string local) => Module.Length == 0 ? local : $"{Module}.{local}";

    /// <summary>"'fc' (nn.Linear: weight [3, 5], bias [3])", for error messages.</summary>
    public string Describe()
    {
        string what = Kind switch
        {
            TorchUnitKind.Linear => "nn.Linear",
            TorchUnitKind.WeightOnly => "nn.Embedding or bias-free nn.Linear",
            _ => $"{Cell!.TorchClassName} layer {Layer}{(Bidirectional ? ", bidirectional" : "")}",
        };
        string shapes = string.Join(", ", Tensors.Values.Select(t => $"{t.Name} {ShapeUtil.Format(t.Shape)}"));
        return $"'{Label}' ({what}: {shapes})";
    }

    /// <summary>
    /// True when <paramref name="other"/> must map to a later Keras layer: at the first path segment
    /// where the two modules differ, both are nn.Sequential/ModuleList indices and this one is smaller
    /// (named attributes carry no order, since a safetensors header is sorted by name); or both are layers
    /// of one RNN and this one is lower.
    /// </summary>
    public bool Precedes(TorchUnit other)
    {
        if (Module == other.Module)
            return Layer < other.Layer;
        int n = Math.Min(Segments.Count, other.Segments.Count);
        for (int i = 0; i < n; i++)
        {
            if (Segments[i] == other.Segments[i])
                continue;
            return int.TryParse(Segments[i], out int a) && int.TryParse(other.Segments[i], out int b) && a < b;
        }
        return false; // one module inside the other: no order
    }
}
