using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Optimizers;

namespace GpuLstm.Models.PyTorch;

/// <summary>
/// Loads a PyTorch state_dict (safetensors) into a built model's layers: groups the tensors by module,
/// pairs modules with layers (by an explicit mapping, else by kind, shape and the order the file fixes),
/// converts everything, and only then writes, so a failed load leaves the weights as they were.
/// </summary>
internal static class TorchStateDictImporter
{
    public static void Load(string path, string model, IReadOnlyList<Layer> layers, ParameterSet parameters,
        IReadOnlyDictionary<string, string>? layerToPrefix)
    {
        var content = SafeTensorsFile.Read(path);
        string file = Path.GetFileName(path);
        string Error(string message) => $"LoadPyTorchStateDict: {file}: {message}";
        var stateDict = TorchStateDict.Parse(content, file);
        if (stateDict.Unused.Count > 0)
            throw new InvalidDataException(Error(
                $"{stateDict.Unused.Count} tensor(s) fit no nn.Linear, nn.Embedding or {string.Join("/", RecurrentCellFormat.All.Select(c => c.TorchClassName))} " +
                $"layer and would be left unused: {string.Join(", ", stateDict.Unused.Select(t => $"'{t.Name}' {ShapeUtil.Format(t.Shape)}"))}."));
        var units = stateDict.Units;
        var targets = KerasTarget.For(layers);
        var pairings = new TorchPairing[units.Count, targets.Count];
        var fits = new bool[units.Count, targets.Count];
        for (int u = 0; u < units.Count; u++)
            for (int t = 0; t < targets.Count; t++)
                fits[u, t] = (pairings[u, t] = TorchPairing.Of(units[u], targets[t], parameters)).Fits;
        var fixedPairs = layerToPrefix is null ? new Dictionary<int, int>() : Mapped(layerToPrefix, units, targets, pairings, Error);
        if (units.Count != targets.Count)
            throw new InvalidDataException(Error(
                $"{units.Count} PyTorch layer(s) for {targets.Count} Keras layer(s) with weights in {model}; every tensor must find a layer and every layer its tensors. " +
                $"PyTorch: {string.Join("; ", units.Select(u => u.Describe()))}. Keras: {string.Join(", ", targets.Select(t => t.Describe()))}."));

        var solutions = new TorchMatcher(units, fits, fixedPairs).Solve();
        if (solutions.Count == 0)
            throw new InvalidDataException(Error(NoPairing(units, targets, pairings)));
        if (solutions.Count > 1)
            throw new InvalidDataException(Error(Ambiguity(units, targets, solutions[0], solutions[1])));
        var updates = solutions[0].SelectMany((u, t) => pairings[u, t].Updates(parameters)).ToList();
        foreach (var (target, values) in updates)
            target.CopyFrom(values);
    }

    /// <summary>The pairs a mapping fixes, as target index → unit index; each must fit.</summary>
    private static Dictionary<int, int> Mapped(IReadOnlyDictionary<string, string> layerToPrefix, IReadOnlyList<TorchUnit> units,
        List<KerasTarget> targets, TorchPairing[,] pairings, Func<string, string> error)
    {
        var result = new Dictionary<int, int>();
        foreach (var (layer, prefix) in layerToPrefix)
        {
            int t = targets.FindIndex(x => x.Layer.Name == layer);
            if (t < 0)
                throw new ArgumentException(error(
                    $"the mapping names layer '{layer}', which is not a layer with weights; those are: {string.Join(", ", targets.Select(x => x.Layer.Name))}."));
            int u = units.Select((x, i) => (x, i))
                .Where(p => p.x.Label == prefix || (p.x.Layer >= 0 && $"{p.x.Module}_l{p.x.Layer}" == prefix))
                .Select(p => p.i).DefaultIfEmpty(-1).First();
            if (u < 0 && units.Where(x => x.Module == prefix && x.LayerCount > 1).ToList() is { Count: > 0 } stack)
                throw new ArgumentException(error(
                    $"the mapping gives '{layer}' module '{prefix}', a {stack.Count}-layer {stack[0].Cell!.TorchClassName}; " +
                    $"map each Keras layer to one of its layers: {string.Join(", ", stack.Select(x => x.Label))}."));
            if (u < 0)
                throw new ArgumentException(error(
                    $"the mapping gives '{layer}' module '{prefix}', which the file does not have; its modules are: {string.Join(", ", units.Select(x => $"'{x.Label}'"))}."));
            if (result.Where(p => p.Value == u).Select(p => (int?)p.Key).FirstOrDefault() is int other)
                throw new ArgumentException(error($"the mapping gives module '{prefix}' to both '{targets[other].Layer.Name}' and '{layer}'."));
            if (!pairings[u, t].Fits)
                throw new InvalidDataException(error(
                    $"the mapping pairs {targets[t].Describe()} with {units[u].Describe()}, which does not fit: {string.Join("; ", pairings[u, t].Problems)}."));
            result[t] = u;
        }
        return result;
    }

    private static string NoPairing(IReadOnlyList<TorchUnit> units, List<KerasTarget> targets, TorchPairing[,] pairings)
    {
        for (int t = 0; t < targets.Count; t++)
        {
            if (Enumerable.Range(0, units.Count).Any(u => pairings[u, t].Fits))
                continue;
            var sameKind = Enumerable.Range(0, units.Count).Where(u => TorchPairing.KindFits(units[u], targets[t])).ToList();
            if (sameKind.Count == 0)
                return $"no PyTorch module is the kind {targets[t].Describe()} takes; the file has: {string.Join("; ", units.Select(u => u.Describe()))}.";
            return $"no PyTorch module fits {targets[t].Describe()}: " +
                string.Join(" | ", sameKind.Select(u => $"'{units[u].Label}': {string.Join("; ", pairings[u, t].Problems)}")) + ".";
        }
        for (int u = 0; u < units.Count; u++)
            if (!Enumerable.Range(0, targets.Count).Any(t => pairings[u, t].Fits))
                return $"no Keras layer fits {units[u].Describe()}; " +
                    string.Join(" | ", Enumerable.Range(0, targets.Count).Where(t => TorchPairing.KindFits(units[u], targets[t]))
                        .Select(t => $"{targets[t].Describe()}: {string.Join("; ", pairings[u, t].Problems)}").DefaultIfEmpty("no layer of its kind")) + ".";
        return "every layer has a module that fits, but no pairing keeps the order the file fixes (a stacked RNN's layers on consecutive " +
            "Keras layers, nn.Sequential indices in increasing order); candidates: " +
            string.Join("; ", targets.Select((x, t) => $"{x.Describe()} <- " +
                string.Join(" or ", Enumerable.Range(0, units.Count).Where(u => pairings[u, t].Fits).Select(u => $"'{units[u].Label}'")))) +
            ". Pass the pairing with LoadPyTorchStateDict(path, layerToPrefix).";
    }

    private static string Ambiguity(IReadOnlyList<TorchUnit> units, List<KerasTarget> targets, int[] first, int[] second)
    {
        var differing = Enumerable.Range(0, targets.Count).Where(t => first[t] != second[t]).ToList();
        string alternatives = string.Join("; ", differing.Select(t =>
            $"{targets[t].Describe()} <- '{units[first[t]].Label}' or '{units[second[t]].Label}'"));
        string mapping = string.Join(", ", differing.Select(t => $"[\"{targets[t].Layer.Name}\"] = \"...\""));
        return $"ambiguous: more than one pairing fits ({alternatives}), and a safetensors header is sorted by name, so the order in which " +
            "the PyTorch module defines these attributes is lost. Pass the pairing: LoadPyTorchStateDict(path, new Dictionary<string, string> { " +
            mapping + " }) with each layer's module prefix.";
    }
}
