using System.Globalization;
using System.Text.RegularExpressions;
using GpuLstm.IO;
using GpuLstm.Memory;

namespace GpuLstm.Models.PyTorch;

/// <summary>
/// A PyTorch state_dict grouped by module prefix: <c>fc.weight</c> and <c>fc.bias</c> form module
/// "fc"; <c>encoder.weight_ih_l1_reverse</c> belongs to layer 1 of RNN module "encoder". Tensors that
/// fit no supported module are kept as <see cref="Unused"/>, which the importer reports.
/// </summary>
internal sealed class TorchStateDict
{
    private static readonly Regex RecurrentName = new(
        @"^(?:(?<module>.+)\.)?(?<role>weight_ih|weight_hh|bias_ih|bias_hh)_l(?<layer>\d+)(?<reverse>_reverse)?$", RegexOptions.CultureInvariant);
    private static readonly Regex PlainName = new(@"^(?:(?<module>.+)\.)?(?<role>weight|bias)$", RegexOptions.CultureInvariant);

    private TorchStateDict(IReadOnlyList<TorchUnit> units, IReadOnlyList<NamedTensorData> unused)
    {
        Units = units;
        Unused = unused;
    }

    /// <summary>Every unit, in header order of their modules' first tensors (no meaning is given to this order).</summary>
    public IReadOnlyList<TorchUnit> Units { get; }
    public IReadOnlyList<NamedTensorData> Unused { get; }

    /// <summary>Groups the tensors; throws naming the tensors when a recurrent module is incomplete.</summary>
    public static TorchStateDict Parse(SafeTensorsContent content, string file)
    {
        var recurrent = new Dictionary<string, List<(Match Match, NamedTensorData Tensor)>>(StringComparer.Ordinal);
        var plain = new Dictionary<string, Dictionary<string, NamedTensorData>>(StringComparer.Ordinal);
        var order = new List<string>(); // module keys in header order
        var unused = new List<NamedTensorData>();
        foreach (var tensor in content.Tensors)
        {
            if (RecurrentName.Match(tensor.Name) is { Success: true } r)
            {
                string key = "rnn:" + r.Groups["module"].Value;
                if (!recurrent.TryGetValue(r.Groups["module"].Value, out var list))
                {
                    recurrent[r.Groups["module"].Value] = list = new();
                    order.Add(key);
                }
                list.Add((r, tensor));
            }
            else if (PlainName.Match(tensor.Name) is { Success: true } p
                && (p.Groups["role"].Value == "weight" ? tensor.Shape.Length == 2 : tensor.Shape.Length == 1))
            {
                string module = p.Groups["module"].Value;
                if (!plain.TryGetValue(module, out var tensors))
                {
                    plain[module] = tensors = new(StringComparer.Ordinal);
                    order.Add("plain:" + module);
                }
                tensors[p.Groups["role"].Value] = tensor;
            }
            else
            {
                unused.Add(tensor);
            }
        }

        var units = new List<TorchUnit>();
        foreach (string key in order)
        {
            if (key.StartsWith("rnn:", StringComparison.Ordinal))
            {
                units.AddRange(RecurrentUnits(key[4..], recurrent[key[4..]], file));
            }
            else
            {
                string module = key[6..];
                var tensors = plain[module];
                if (!tensors.ContainsKey("weight"))
                    unused.AddRange(tensors.Values); // a lone bias fits nothing
                else
                    units.Add(new TorchUnit(module, tensors.ContainsKey("bias") ? TorchUnitKind.Linear : TorchUnitKind.WeightOnly, tensors));
            }
        }
        return new TorchStateDict(units, unused);
    }

    private static IEnumerable<TorchUnit> RecurrentUnits(string module, List<(Match Match, NamedTensorData Tensor)> tensors, string file)
    {
        var byLayer = tensors.GroupBy(t => int.Parse(t.Match.Groups["layer"].Value, CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key).ToList();
        string name = module.Length == 0 ? "the top-level RNN" : $"RNN module '{module}'";
        string Fail(string why) => $"LoadPyTorchStateDict: {file}: {name} {why} (has: {string.Join(", ", tensors.Select(t => t.Tensor.Name))}).";
        if (byLayer.Select(g => g.Key).Where((k, i) => k != i).Any())
            throw new InvalidDataException(Fail($"has layers {string.Join(", ", byLayer.Select(g => g.Key))}; expected _l0 to _l{byLayer.Count - 1}"));
        bool bidirectional = tensors.Any(t => t.Match.Groups["reverse"].Success);
        foreach (var layer in byLayer)
        {
            var local = layer.ToDictionary(t => t.Tensor.Name[(module.Length == 0 ? 0 : module.Length + 1)..], t => t.Tensor, StringComparer.Ordinal);
            foreach (string suffix in bidirectional ? new[] { "", "_reverse" } : [""])
            {
                string Role(string role) => $"{role}_l{layer.Key}{suffix}";
                foreach (string role in new[] { "weight_ih", "weight_hh" })
                    if (!local.ContainsKey(Role(role)))
                        throw new InvalidDataException(Fail($"lacks '{Role(role)}'"));
                if (local.ContainsKey(Role("bias_ih")) != local.ContainsKey(Role("bias_hh")))
                    throw new InvalidDataException(Fail($"has only one of '{Role("bias_ih")}' and '{Role("bias_hh")}'"));
            }
            var hh = local[$"weight_hh_l{layer.Key}"];
            int units = hh.Shape[1];
            var cell = units > 0 && hh.Shape[0] % units == 0 ? RecurrentCellFormat.ForGates(hh.Shape[0] / units) : null;
            if (cell is null)
                throw new InvalidDataException(Fail(
                    $"has weight_hh_l{layer.Key} {ShapeUtil.Format(hh.Shape)}, which is no {string.Join(", ", RecurrentCellFormat.All.Select(c => $"{c.TorchClassName} ([{c.Gates}*H, H])"))}"));
            yield return new TorchUnit(module, TorchUnitKind.Recurrent, local, layer.Key, byLayer.Count, bidirectional, cell);
        }
    }
}
