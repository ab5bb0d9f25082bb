using GpuLstm.Layers;

namespace GpuLstm.Models;

/// <summary>
/// Keras 3's summary of a functional model: InputLayer rows, layers ordered by graph depth (inputs first)
/// as Keras's map_graph orders them, and a "Connected to" column (layer[node][tensor]) unless the graph is
/// a plain chain, which Keras prints like a Sequential.
/// </summary>
internal static class FunctionalSummary
{
    public static string Render(string modelName, FunctionalGraph graph)
    {
        var (order, sequentialLike) = Order(graph);
        var relevant = graph.Nodes.ToHashSet();
        var rows = order.Select(op => op is Input input
            ? Cells(ModelSummary.NameCell(input.Name!, "InputLayer"), ModelSummary.FormatShape(input.Shape), "0", "-", sequentialLike)
            : LayerCells((Layer)op, relevant, sequentialLike)).ToList();
        return ModelSummary.Render(modelName, rows, connected: !sequentialLike, graph.Layers.Sum(l => l.ParameterCount));
    }

    private static string[] Cells(string name, string shape, string parameters, string connected, bool sequentialLike) =>
        sequentialLike ? [name, shape, parameters] : [name, shape, parameters, connected];

    private static string[] LayerCells(Layer layer, HashSet<LayerNode> relevant, bool sequentialLike)
    {
        var last = layer.InboundNodes.Last(relevant.Contains);
        string shape = last.Outputs.Length == 1
            ? ModelSummary.FormatShape(last.Outputs[0].Shape)
            : "[" + string.Join(", ", last.Outputs.Select(o => ModelSummary.FormatShape(o.Shape))) + "]";
        var connections = layer.InboundNodes.Where(relevant.Contains).SelectMany(n => n.AllInputs).Select(Reference).ToList();
        return Cells(ModelSummary.NameCell(layer.Name!, layer.KerasClassName), shape, ModelSummary.ParamCell(layer),
            connections.Count == 0 ? "-" : string.Join(", ", connections), sequentialLike);
    }

    /// <summary>Keras's "name[node_index][tensor_index]" for the producer of a tensor.</summary>
    private static string Reference(SymbolicTensor t) => t.Producer.Layer is { } layer
        ? $"{layer.Name}[{layer.InboundNodes.IndexOf(t.Producer)}][{t.OutputIndex}]"
        : $"{((Input)t).Name}[0][0]";

    /// <summary>
    /// Operations (Inputs and layers) by decreasing depth (depth 0 produces an output), within a depth in
    /// the order a depth-first walk from the outputs first meets them; and whether the graph is a chain.
    /// </summary>
    private static (List<object> Order, bool SequentialLike) Order(FunctionalGraph graph)
    {
        var index = new Dictionary<object, int>();
        var finished = new HashSet<LayerNode>();
        var postOrder = new List<LayerNode>();
        void Visit(LayerNode node)
        {
            if (finished.Contains(node))
                return;
            index.TryAdd(Operation(node), index.Count);
            foreach (var t in node.AllInputs)
                Visit(t.Producer);
            finished.Add(node);
            postOrder.Add(node);
        }
        foreach (var output in graph.Outputs)
            Visit(output.Producer);

        var nodeDepth = new Dictionary<LayerNode, int>();
        var opDepth = new Dictionary<object, int>();
        for (int i = postOrder.Count - 1; i >= 0; i--)
        {
            var node = postOrder[i];
            int depth = Math.Max(nodeDepth.GetValueOrDefault(node), opDepth.GetValueOrDefault(Operation(node)));
            opDepth[Operation(node)] = nodeDepth[node] = depth;
            foreach (var parent in node.AllInputs.Select(t => t.Producer))
                nodeDepth[parent] = Math.Max(depth + 1, nodeDepth.GetValueOrDefault(parent));
        }
        var order = opDepth.Keys.OrderByDescending(op => opDepth[op]).ThenBy(op => index[op]).ToList();
        bool chain = nodeDepth.GroupBy(p => p.Value).All(g => g.Count() == 1 && g.First().Key.AllInputs.Count() <= 1)
            && graph.Layers.All(l => l.InboundNodes.Count(nodeDepth.ContainsKey) <= 1);
        return (order, chain);
    }

    private static object Operation(LayerNode node) => (object?)node.Layer ?? node.Outputs[0];
}
