using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Optimizers;

namespace GpuLstm.Models.PyTorch;

/// <summary>
/// One PyTorch unit put against one Keras layer: which PyTorch tensors fill which Keras weight, and
/// every reason they do not fit (a missing or extra tensor, a shape, a direction, an activation).
/// </summary>
internal sealed class TorchPairing
{
    /// <summary>A Keras weight and the PyTorch tensors (names within the module, with the shapes they need) it is computed from.</summary>
    private sealed record Binding(string Target, int[] KerasShape, (string Local, int[] Shape)[] Sources, Func<float[][], float[]> Convert);

    private readonly List<Binding> _bindings = new();
    private readonly List<string> _problems = new();
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal); // local tensor names some weight takes

    private TorchPairing(TorchUnit unit, KerasTarget target)
    {
        Unit = unit;
        Target = target;
    }

    public TorchUnit Unit { get; }
    public KerasTarget Target { get; }
    public IReadOnlyList<string> Problems => _problems;
    public bool Fits => _problems.Count == 0;

    /// <summary>Whether the unit is the right kind of module for the layer at all (shapes aside).</summary>
    public static bool KindFits(TorchUnit unit, KerasTarget target) => unit.Kind switch
    {
        TorchUnitKind.Linear => target.Dense is not null,
        TorchUnitKind.WeightOnly => target.Dense is not null || target.Embedding is not null,
        _ => target.Cell == unit.Cell,
    };

    public static TorchPairing Of(TorchUnit unit, KerasTarget target, ParameterSet parameters)
    {
        var pairing = new TorchPairing(unit, target);
        if (!KindFits(unit, target))
            pairing._problems.Add($"{unit.Describe()} is not the kind of module {target.Describe()} takes");
        else if (target.Dense is { } dense)
            pairing.AddDense(dense, parameters);
        else if (target.Embedding is { } embedding)
            pairing.Add(parameters, $"{embedding.Name}/embeddings", [("weight", [embedding.InputDim, embedding.OutputDim])], s => s[0]);
        else
            pairing.AddRecurrent(parameters);
        pairing.CheckAllUsed();
        return pairing;
    }

    /// <summary>The converted Keras values, by parameter; only for a pairing that fits.</summary>
    public IEnumerable<(Tensor Target, float[] Values)> Updates(ParameterSet parameters)
    {
        if (!Fits)
            throw new InvalidOperationException("TorchPairing: converting a pairing that does not fit.");
        foreach (var b in _bindings)
            yield return (parameters[b.Target], b.Convert(b.Sources.Select(s => Unit.Tensors[s.Local].Data).ToArray()));
    }

    private void AddDense(Dense dense, ParameterSet parameters)
    {
        int inputs = dense.InputShape![^1], units = dense.Units;
        Add(parameters, $"{dense.Name}/kernel", [("weight", [units, inputs])], s => LstmGateOrder.FromPyTorchWeight(s[0], units, inputs));
        if (dense.UseBias)
            Add(parameters, $"{dense.Name}/bias", [("bias", [units])], s => s[0]);
    }

    private void AddRecurrent(ParameterSet parameters)
    {
        bool bidirectional = Target.Backward is not null;
        if (Unit.Bidirectional != bidirectional)
            _problems.Add(Unit.Bidirectional
                ? $"'{Unit.Label}' is bidirectional (its _reverse tensors), {Target.Describe()} reads one direction: wrap it in Bidirectional"
                : $"'{Unit.Label}' reads one direction, {Target.Describe()} is bidirectional");
        if (!bidirectional && Target.Forward!.GoBackwards)
            _problems.Add($"{Target.Describe()} has goBackwards, which {Unit.Cell!.TorchClassName} has no setting for");
        AddDirection(parameters, Target.Forward!, "");
        if (bidirectional)
            AddDirection(parameters, Target.Backward!, "_reverse");
    }

    private void AddDirection(ParameterSet parameters, RecurrentLayer layer, string suffix)
    {
        var cell = Unit.Cell!;
        int units = layer.Units, inputs = layer.InputShape![^1], gates = cell.Gates * units;
        string Local(string role) => $"{role}_l{Unit.Layer}{suffix}";
        var config = layer.Config();
        foreach (var (key, expected) in new[] { ("activation", "tanh"), ("recurrent_activation", "sigmoid") })
            if (config.TryGetValue(key, out var value) && value is string actual && actual != expected)
                _problems.Add($"{Target.Describe()} has {key} '{actual}'; {cell.TorchClassName} uses {expected}");
        Add(parameters, $"{layer.Name}/kernel", [(Local("weight_ih"), [gates, inputs])], s => cell.Kernel(s[0], units, inputs));
        Add(parameters, $"{layer.Name}/recurrent_kernel", [(Local("weight_hh"), [gates, units])], s => cell.Kernel(s[0], units, units));
        string bias = $"{layer.Name}/bias";
        if (!parameters.Parameters.Any(p => p.Name == bias))
            return;
        if (!parameters[bias].Shape.SequenceEqual(cell.KerasBiasShape(units)))
        {
            _claimed.UnionWith([Local("bias_ih"), Local("bias_hh")]);
            _problems.Add($"Keras '{bias}' is {ShapeUtil.Format(parameters[bias].Shape)}; {cell.TorchClassName}'s biases fill " +
                $"{ShapeUtil.Format(cell.KerasBiasShape(units))}{(cell.SummedBias ? "" : " (for a GRU: resetAfter: true)")}");
            return;
        }
        Add(parameters, bias, [(Local("bias_ih"), [gates]), (Local("bias_hh"), [gates])], s => cell.Bias(s[0], s[1], units));
    }

    private void Add(ParameterSet parameters, string target, (string Local, int[] Shape)[] sources, Func<float[][], float[]> convert)
    {
        var kerasShape = parameters[target].Shape.ToArray();
        _bindings.Add(new Binding(target, kerasShape, sources, convert));
        _claimed.UnionWith(sources.Select(s => s.Local));
        foreach (var (local, shape) in sources)
        {
            string name = Unit.TensorName(local);
            if (!Unit.Tensors.TryGetValue(local, out var tensor))
                _problems.Add($"'{name}' is missing; Keras '{target}' {ShapeUtil.Format(kerasShape)} needs it as {ShapeUtil.Format(shape)}");
            else if (!tensor.Shape.SequenceEqual(shape))
                _problems.Add($"'{name}' is {ShapeUtil.Format(tensor.Shape)}; Keras '{target}' {ShapeUtil.Format(kerasShape)} needs it as {ShapeUtil.Format(shape)}");
        }
    }

    /// <summary>A PyTorch tensor no Keras weight takes (a bias where the layer has useBias: false, say) is a mismatch too.</summary>
    private void CheckAllUsed()
    {
        if (!KindFits(Unit, Target))
            return;
        foreach (var (local, tensor) in Unit.Tensors)
            if (!_claimed.Contains(local) && (Target.Backward is not null || !local.EndsWith("_reverse", StringComparison.Ordinal)))
                _problems.Add($"'{tensor.Name}' {ShapeUtil.Format(tensor.Shape)} has no weight to fill in {Target.Describe()}" +
                    (local.StartsWith("bias", StringComparison.Ordinal) ? " (its useBias is false)" : ""));
    }
}
