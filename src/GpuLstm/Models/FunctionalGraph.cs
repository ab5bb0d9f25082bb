using GpuLstm.Layers;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// The graph of a functional model: the layer calls between its Inputs and outputs, in an order that
/// runs every call after its inputs (creation order), with Keras-style names for unnamed layers and inputs.
/// </summary>
internal sealed class FunctionalGraph
{
    public FunctionalGraph(Model model, IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        string who = $"Model '{model.Name}'";
        if (inputs.Count == 0 || outputs.Count == 0)
            throw new ArgumentException($"{who}: needs at least one input and one output.");
        Inputs = inputs.Select((t, i) => t as Input ?? throw new ArgumentException(
            $"{who}: inputs[{i}] is {t?.ToString() ?? "null"}; model inputs must be Input tensors.")).ToArray();
        if (Inputs.Distinct().Count() != Inputs.Length)
            throw new ArgumentException($"{who}: the same Input is listed twice.");
        Outputs = outputs.Select((t, i) => t ?? throw new ArgumentException($"{who}: outputs[{i}] is null.")).ToArray();

        var reachable = new HashSet<LayerNode>();
        var pending = new Stack<LayerNode>(Outputs.Select(o => o.Producer));
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!reachable.Add(node))
                continue;
            if (node.Layer is null && !Inputs.Contains(node.Outputs[0]))
                throw new ArgumentException(
                    $"{who}: the outputs depend on an Input {ModelSummary.FormatShape(node.Outputs[0].Shape)} that is not among the model's inputs.");
            foreach (var t in node.AllInputs)
                pending.Push(t.Producer);
        }
        foreach (var (input, i) in Inputs.Select((x, i) => (x, i)))
        {
            if (!reachable.Contains(input.Producer))
                throw new ArgumentException($"{who}: inputs[{i}] is not connected to any output.");
        }
        Nodes = reachable.OrderBy(n => n.Id).ToArray();
        Layers = Nodes.Where(n => n.Layer is not null).Select(n => n.Layer!).Distinct().ToArray();
        AssignNames(who);
        foreach (var layer in Layers)
            model.Claim(layer);
        OutputNames = UniqueOutputNames();
    }

    public Input[] Inputs { get; }
    public SymbolicTensor[] Outputs { get; }

    /// <summary>Every call in execution order, Inputs included.</summary>
    public LayerNode[] Nodes { get; }

    /// <summary>Each layer once, in the order of its first call.</summary>
    public Layer[] Layers { get; }

    public IReadOnlyList<string> OutputNames { get; }
    public IReadOnlyList<IReadOnlyList<int>> InputShapes => Inputs.Select(i => i.Shape).ToArray();
    public IReadOnlyList<IReadOnlyList<int>> OutputShapes => Outputs.Select(o => o.Shape).ToArray();

    /// <summary>Runs every call in order on one batch of each input.</summary>
    public Tensor[] Forward(LayerContext context, Tensor[] inputs)
    {
        var values = new Dictionary<SymbolicTensor, Tensor>();
        for (int i = 0; i < Inputs.Length; i++)
            values[Inputs[i]] = inputs[i];
        foreach (var node in Nodes)
        {
            if (node.Layer is null)
                continue;
            var x = values[node.Inputs[0]];
            try
            {
                Call(context, node, x, values);
            }
            catch (InsufficientMemoryException e)
            {
                throw node.Layer.OutOfMemory(e, context, x);
            }
        }
        return Outputs.Select(o => values[o]).ToArray();
    }

    /// <summary>One node's layer call on the values computed so far; stores its outputs.</summary>
    private static void Call(LayerContext context, LayerNode node, Tensor x, Dictionary<SymbolicTensor, Tensor> values)
    {
        if (node.Layer is MergeLayer merge)
        {
            values[node.Outputs[0]] = merge.Merge(context, node.Inputs.Select(i => values[i]).ToArray());
        }
        else if (node.Layer is RecurrentLayer recurrent && (node.InitialStates.Length > 0 || node.OutputCount > 1))
        {
            var states = node.InitialStates.Length > 0 ? node.InitialStates.Select(s => values[s]).ToArray() : null;
            var result = recurrent.Call(context, x, states);
            values[node.Outputs[0]] = result.Output;
            for (int k = 1; k < node.OutputCount; k++)
                values[node.Outputs[k]] = result.States[k - 1];
        }
        else
        {
            values[node.Outputs[0]] = node.Layer!.ForwardOn(context, x);
        }
    }

    public void CheckInputs(HostArray[] x, string what, bool anyTimeSteps)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length != Inputs.Length)
            throw new ArgumentException($"{what}: the model has {Inputs.Length} input(s) ({string.Join(", ", Inputs.Select(i => i.Name))}), got {x.Length} array(s).");
        for (int i = 0; i < x.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(x[i]);
            var expected = Inputs[i].Shape;
            var shape = x[i].Shape;
            // Sequence layers' weights do not depend on the number of steps, so Predict may use another.
            bool fits = shape.Length == expected.Count + 1 && expected.Select((d, a) => d < 0 || d == shape[a + 1] || (anyTimeSteps && a == 0)).All(ok => ok);
            if (!fits)
                throw new ArgumentException(
                    $"{what}: input '{Inputs[i].Name}' expects arrays of shape {ModelSummary.FormatShape(expected)}, got {ShapeUtil.Format(shape)}.");
            foreach (var node in Nodes.Where(n => n.Layer is Embedding && n.Inputs[0] == Inputs[i]))
                ((Embedding)node.Layer!).CheckTokens(x[i].Data, what);
        }
    }

    public string Summary(string modelName) => FunctionalSummary.Render(modelName, this);

    private void AssignNames(string who)
    {
        var taken = new HashSet<string>();
        void Take(string name)
        {
            if (!taken.Add(name))
                throw new ArgumentException($"{who}: two layers are named '{name}'; names must be unique within a model.");
        }
        foreach (var name in Inputs.Select(i => i.Name).Concat(Layers.Select(l => l.Name)).OfType<string>())
            Take(name);
        string Next(string baseName)
        {
            for (int k = 0; ; k++)
            {
                string name = k == 0 ? baseName : $"{baseName}_{k}";
                if (!taken.Contains(name))
                    return name;
            }
        }
        foreach (var node in Nodes)
        {
            if (node.Layer is null && node.Outputs[0] is Input { Name: null } input)
                Take(input.Name = Next("input_layer"));
            else if (node.Layer is { Name: null } layer)
                Take(layer.Name = Next(layer.DefaultBaseName));
        }
    }

    private string[] UniqueOutputNames()
    {
        var names = Outputs.Select(o => o.Producer.Layer?.Name ?? ((Input)o).Name!).ToArray();
        for (int k = 0; k < names.Length; k++)
        {
            if (names.Count(n => n == names[k]) > 1)
                names[k] = $"{names[k]}_{Outputs[k].OutputIndex}";
        }
        return names;
    }
}
