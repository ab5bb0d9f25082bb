using GpuLstm.Layers;

namespace GpuLstm.Models;

/// <summary>
/// A functional model's architecture in a saved file: its layers (each once, class + name + config),
/// and its calls in execution order, each naming the tensors it reads as [call index, output index];
/// Inputs are calls without a layer. Load replays the calls to rebuild the same graph.
/// </summary>
internal static class FunctionalRecord
{
    public static Dictionary<string, object?> Write(FunctionalGraph graph)
    {
        var position = graph.Nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        int[] Ref(SymbolicTensor t) => [position[t.Producer], t.OutputIndex];
        return new()
        {
            ["layers"] = graph.Layers.Select(LayerFactory.Record).ToList(),
            ["nodes"] = graph.Nodes.Select(n => n.Layer is null
                ? new Dictionary<string, object?> { ["input"] = ((Input)n.Outputs[0]).Name, ["shape"] = n.Outputs[0].Shape }
                : new Dictionary<string, object?>
                {
                    ["layer"] = n.Layer.Name, ["inputs"] = n.Inputs.Select(Ref).ToList(),
                    ["initial_state"] = n.InitialStates.Select(Ref).ToList(), ["with_state"] = n.OutputCount > 1,
                }).ToList(),
            ["inputs"] = graph.Inputs.Select(i => position[i.Producer]).ToList(),
            ["outputs"] = graph.Outputs.Select(Ref).ToList(),
        };
    }

    /// <summary>
    /// Checks a functional model's record completely (layers, calls, the tensors each call reads, inputs,
    /// outputs); the function it returns replays the calls on the host, allocating nothing.
    /// </summary>
    public static Func<Model> Parse(RecordNode root, string name, int seed, Device.ComputeDevice? device)
    {
        var layerNodes = root["layers"].Items(1, 4096);
        var layers = new Dictionary<string, SavedLayer>();
        foreach (var node in layerNodes)
        {
            var layer = LayerFactory.Parse(node);
            if (!layers.TryAdd(layer.Name, layer))
                throw node["name"].Error($"is '{layer.Name}', the name of an earlier layer.");
        }
        var nodes = root["nodes"].Items(1, 1 << 16);
        var outputCounts = new int[nodes.Count];
        var calls = new List<Func<SymbolicTensor[][], Dictionary<string, Layer>, SymbolicTensor[]>>();
        var inputNodes = new HashSet<int>();
        var called = new HashSet<string>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            int current = i;
            Func<SymbolicTensor[][], SymbolicTensor> Reference(RecordNode r)
            {
                var pair = r.Items(2, 2);
                int call = pair[0].Int(0, current - 1);
                int output = pair[1].Int(0, outputCounts[call] - 1);
                return tensors => tensors[call][output];
            }
            if (node.Has("input"))
            {
                string inputName = node["input"].String();
                var shape = node["shape"].Shape(allowAny: true).Select(d => d < 0 ? (int?)null : d).ToArray();
                inputNodes.Add(i);
                outputCounts[i] = 1;
                calls.Add((_, _) => [new Input(shape, inputName)]);
                continue;
            }
            string layerName = node["layer"].String();
            var saved = layers.TryGetValue(layerName, out var l) ? l
                : throw node["layer"].Error($"is '{layerName}', which the layer list lacks.");
            called.Add(layerName);
            var read = node["inputs"].Items(saved.IsMerge ? 2 : 1, saved.IsMerge ? 64 : 1).Select(Reference).ToArray();
            var states = node["initial_state"].Items(0, saved.StateCount).Select(Reference).ToArray();
            if (states.Length != 0 && states.Length != saved.StateCount)
                throw node["initial_state"].Error($"has {states.Length} states; {layerName} ({saved.ClassName}) takes {saved.StateCount}.");
            bool withState = node["with_state"].Bool();
            if (withState != saved.ReturnState)
                throw node["with_state"].Error($"is {(withState ? "true" : "false")}, but layer '{layerName}' has return_state {(saved.ReturnState ? "true" : "false")}.");
            outputCounts[i] = withState ? 1 + saved.StateCount : 1;
            calls.Add((tensors, created) =>
            {
                var layer = created[layerName];
                var x = read.Select(r => r(tensors)).ToArray();
                var s = states.Select(r => r(tensors)).ToArray();
                return layer switch
                {
                    RecurrentLayer r when withState => r.ApplyWithState(x[0], s.Length > 0 ? s : null),
                    RecurrentLayer r when s.Length > 0 => [r.Apply(x[0], s)],
                    MergeLayer m => [m.Apply(x)],
                    _ => [layer.Apply(x[0])],
                };
            });
        }
        if (layers.Keys.FirstOrDefault(k => !called.Contains(k)) is { } unused)
            throw root["layers"].Error($"lists layer '{unused}', which no node calls.");
        var inputs = root["inputs"].Items(1, 256).Select(n => n.Int(0, nodes.Count - 1) is var i && inputNodes.Contains(i) ? i
            : throw n.Error($"is {i}, which is not an input node.")).ToArray();
        if (inputs.Distinct().Count() != inputs.Length)
            throw root["inputs"].Error("lists an input twice.");
        var outputs = root["outputs"].Items(1, 256).Select(r =>
        {
            var pair = r.Items(2, 2);
            int call = pair[0].Int(0, nodes.Count - 1);
            return (Call: call, Output: pair[1].Int(0, outputCounts[call] - 1));
        }).ToArray();
        return () =>
        {
            var created = layerNodes.Zip(layers.Values).ToDictionary(p => p.Second.Name, p => p.First.Creating(() => p.Second.Create(null)));
            var tensors = new SymbolicTensor[nodes.Count][];
            for (int i = 0; i < nodes.Count; i++)
                tensors[i] = nodes[i].Creating(() => calls[i](tensors, created));
            return root.Creating(() => new Model(inputs.Select(i => tensors[i][0]).ToArray(),
                outputs.Select(o => tensors[o.Call][o.Output]).ToArray(), name, device, seed));
        };
    }
}
