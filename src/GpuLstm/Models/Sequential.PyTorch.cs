using System.Text.RegularExpressions;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Models;

/// <summary>
/// Imports a PyTorch state_dict saved as safetensors: nn.LSTM stacks (weight_ih_l{k}, weight_hh_l{k},
/// bias_ih_l{k}, bias_hh_l{k}) fill this model's LSTM layers in order, nn.Linear (weight, bias) its
/// Dense layers in order. PyTorch's [4H, In] weights are transposed to Keras's [In, 4H] (same gate
/// order i, f, g, o) and its two biases are summed.
/// </summary>
public sealed partial class Sequential
{
    private static readonly Regex LstmWeight = new(@"^(?<prefix>.*?)weight_ih_l(?<layer>\d+)$", RegexOptions.CultureInvariant);

    public void LoadPyTorchStateDict(string path)
    {
        Build();
        var content = SafeTensorsFile.Read(path);
        string file = Path.GetFileName(path);
        var lstmSources = content.Names.Select(n => LstmWeight.Match(n)).Where(m => m.Success)
            .Select(m => (Prefix: m.Groups["prefix"].Value, Layer: int.Parse(m.Groups["layer"].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        var linearSources = content.Tensors.Where(t => t.Name.EndsWith("weight", StringComparison.Ordinal)
                && !t.Name.Contains("weight_", StringComparison.Ordinal) && t.Shape.Length == 2)
            .Select(t => t.Name[..^"weight".Length]).ToList();
        // A PyTorch layer l is one LSTM, or both directions of a Bidirectional (the "_reverse" tensors).
        var stacks = _layers.Where(l => l is Lstm or Bidirectional).ToList();
        var denses = _layers.OfType<Dense>().Concat(_layers.OfType<TimeDistributed>().Select(t => t.Layer).OfType<Dense>()).ToList();
        if (lstmSources.Count != stacks.Count || linearSources.Count != denses.Count)
            throw new InvalidDataException(
                $"LoadPyTorchStateDict: {file} has {lstmSources.Count} LSTM layer(s) and {linearSources.Count} Linear layer(s); " +
                $"{Name} has {stacks.Count} LSTM/Bidirectional and {denses.Count} Dense layer(s).");

        // Convert and check everything first: nothing is written unless the whole file fits.
        var updates = new List<(Tensor Target, float[] Values)>();
        for (int i = 0; i < stacks.Count; i++)
        {
            var (prefix, k) = lstmSources[i];
            if (stacks[i] is Bidirectional bidirectional)
            {
                AddLstm(content, file, (Lstm)bidirectional.Directions.Forward, $"{prefix}", $"_l{k}", updates);
                AddLstm(content, file, (Lstm)bidirectional.Directions.Backward, $"{prefix}", $"_l{k}_reverse", updates);
            }
            else
            {
                AddLstm(content, file, (Lstm)stacks[i], prefix, $"_l{k}", updates);
            }
        }
        for (int i = 0; i < denses.Count; i++)
        {
            var layer = denses[i];
            int inputs = layer.InputShape![^1];
            var w = Expect(content, linearSources[i] + "weight", [layer.Units, inputs], file, layer);
            updates.Add((Parameters![layer.Name + "/kernel"], LstmGateOrder.FromPyTorchWeight(w, layer.Units, inputs)));
            if (layer.UseBias)
                updates.Add((Parameters[layer.Name + "/bias"], Expect(content, linearSources[i] + "bias", [layer.Units], file, layer)));
        }
        foreach (var (target, values) in updates)
            target.CopyFrom(values);
    }

    private void AddLstm(SafeTensorsContent content, string file, Lstm layer, string prefix, string suffix,
        List<(Tensor Target, float[] Values)> updates)
    {
        int units = layer.Units, inputs = layer.InputShape![^1];
        var wih = Expect(content, $"{prefix}weight_ih{suffix}", [4 * units, inputs], file, layer);
        var whh = Expect(content, $"{prefix}weight_hh{suffix}", [4 * units, units], file, layer);
        updates.Add((Parameters![layer.Name + "/kernel"], LstmGateOrder.FromPyTorchWeight(wih, 4 * units, inputs)));
        updates.Add((Parameters[layer.Name + "/recurrent_kernel"], LstmGateOrder.FromPyTorchWeight(whh, 4 * units, units)));
        if (!layer.UseBias)
            return;
        var bih = Expect(content, $"{prefix}bias_ih{suffix}", [4 * units], file, layer);
        var bhh = Expect(content, $"{prefix}bias_hh{suffix}", [4 * units], file, layer);
        updates.Add((Parameters[layer.Name + "/bias"], bih.Zip(bhh, (a, b) => a + b).ToArray()));
    }

    private static float[] Expect(SafeTensorsContent content, string name, int[] shape, string file, Layer layer)
    {
        if (!content.TryGet(name, out var tensor))
            throw new InvalidDataException($"LoadPyTorchStateDict: {file} has no '{name}' for {layer.Name} ({layer.KerasClassName}).");
        if (!tensor.Shape.SequenceEqual(shape))
            throw new InvalidDataException(
                $"LoadPyTorchStateDict: '{name}' in {file} has shape {ShapeUtil.Format(tensor.Shape)}; {layer.Name} ({layer.KerasClassName}) needs {ShapeUtil.Format(shape)}.");
        return tensor.Data;
    }
}
