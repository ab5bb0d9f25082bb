using System.Text.Json;
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
            ["layers"] = graph.Layers.Select(Sequential.LayerRecord).ToList(),
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

    public static Model Create(JsonElement root, Device.ComputeDevice? device, string path)
    {
        string file = Path.GetFileName(path);
        var layers = root.GetProperty("layers").EnumerateArray().ToDictionary(
            l => l.GetProperty("name").GetString()!,
            l => LayerFactory.Create(l.GetProperty("class").GetString()!, l.GetProperty("name").GetString()!, l.GetProperty("config"), null));
        var calls = new List<SymbolicTensor[]>();
        SymbolicTensor Tensor(JsonElement reference)
        {
            int call = reference[0].GetInt32(), output = reference[1].GetInt32();
            if (call < 0 || call >= calls.Count || output < 0 || output >= calls[call].Length)
                throw new InvalidDataException($"Load: {file} refers to output {output} of call {call}, which does not come before it.");
            return calls[call][output];
        }
        foreach (var node in root.GetProperty("nodes").EnumerateArray())
        {
            if (node.TryGetProperty("input", out var inputName))
            {
                var shape = node.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32() is var v && v < 0 ? (int?)null : v).ToArray();
                calls.Add([new Input(shape, inputName.GetString())]);
                continue;
            }
            string name = node.GetProperty("layer").GetString()!;
            var layer = layers.TryGetValue(name, out var l) ? l
                : throw new InvalidDataException($"Load: {file} calls layer '{name}', which its layer list lacks.");
            var read = node.GetProperty("inputs").EnumerateArray().Select(Tensor).ToArray();
            var x = read.Length > 0 ? read[0] : throw new InvalidDataException($"Load: {file} calls layer '{name}' on no input.");
            var states = node.GetProperty("initial_state").EnumerateArray().Select(Tensor).ToArray();
            bool withState = node.GetProperty("with_state").GetBoolean();
            calls.Add(layer switch
            {
                RecurrentLayer r when withState => r.ApplyWithState(x, states.Length > 0 ? states : null),
                RecurrentLayer r when states.Length > 0 => [r.Apply(x, states)],
                MergeLayer m => [m.Apply(read)],
                _ => [layer.Apply(x)],
            });
        }
        var inputs = root.GetProperty("inputs").EnumerateArray().Select(i => calls[i.GetInt32()][0]).ToArray();
        var outputs = root.GetProperty("outputs").EnumerateArray().Select(Tensor).ToArray();
        return new Model(inputs, outputs, root.GetProperty("name").GetString() ?? "functional", device, root.GetProperty("seed").GetInt32());
    }
}
