using GpuLstm.IO;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>Load's last check before allocating: the weights the created (host-only) model implies against the tensors in the file.</summary>
public partial class Model
{
    /// <summary>Most weights a loaded model may have (one flat float buffer indexed by int).</summary>
    private const long MaxLoadedWeights = int.MaxValue;

    /// <summary>
    /// Checks that the file holds exactly the weights this built-shape model needs (names and shapes) and,
    /// when compiled, the optimizer state it claims; returns the weights in parameter order. Sizes are
    /// computed in 64 bits, so an absurd config is reported, never overflowed.
    /// </summary>
    private List<NamedTensorData> CheckTensors(SafeTensorsContent content, SavedCompile? compile, string file)
    {
        var expected = Layers.SelectMany(l => l.WeightSpecs(l.InputShape!).Select(w => (Name: $"{l.Name}/{w.Name}", w.Shape))).ToList();
        if (expected.Count == 0)
            throw new InvalidDataException($"Load: {file}: the architecture has no layer with weights.");
        long total = 0;
        foreach (var (name, shape) in expected)
        {
            long elements = 1;
            foreach (int d in shape)
            {
                elements = d < 1 ? 0 : elements * d;
                if (elements < 1 || elements > MaxLoadedWeights)
                    throw new InvalidDataException(
                        $"Load: {file}: the architecture gives weight '{name}' the shape {ShapeUtil.Format(shape)}, outside 1 to {MaxLoadedWeights} elements.");
            }
            total += elements;
            if (total > MaxLoadedWeights)
                throw new InvalidDataException($"Load: {file}: the architecture needs more than {MaxLoadedWeights} weights.");
        }
        var missing = expected.Where(w => !content.Contains(w.Name)).Select(w => $"{w.Name} {ShapeUtil.Format(w.Shape)}").ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"Load: {file}: the architecture needs {string.Join(", ", missing)}, which the file lacks.");
        var weights = expected.Select(w => content[w.Name].Shape.SequenceEqual(w.Shape) ? content[w.Name]
            : throw new InvalidDataException(
                $"Load: {file}: tensor '{w.Name}' has shape {ShapeUtil.Format(content[w.Name].Shape)}, the architecture implies {ShapeUtil.Format(w.Shape)}.")).ToList();
        var names = expected.Select(w => w.Name).ToHashSet();
        var state = content.Tensors.Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToList();
        if (content.Tensors.FirstOrDefault(t => !names.Contains(t.Name) && !t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) is { } extra)
            throw new InvalidDataException($"Load: {file}: tensor '{extra.Name}' is not a weight of the saved architecture.");
        CheckOptimizerState(state, compile, total, file);
        return weights;
    }

    private static void CheckOptimizerState(List<NamedTensorData> state, SavedCompile? compile, long weightCount, string file)
    {
        if (compile is null)
        {
            if (state.Count > 0)
                throw new InvalidDataException($"Load: {file}: tensor '{state[0].Name}' is optimizer state, but the file has no compile section.");
            return;
        }
        foreach (var tensor in state)
        {
            string key = tensor.Name[OptimizerPrefix.Length..];
            if (!compile.StateNames.Contains(key))
                throw new InvalidDataException(
                    $"Load: {file}: tensor '{tensor.Name}' is not state of the saved optimizer (expected {(compile.StateNames.Count == 0 ? "none" : string.Join(", ", compile.StateNames.Select(n => OptimizerPrefix + n)))}).");
            if (tensor.Shape.Length != 1 || tensor.Shape[0] != weightCount)
                throw new InvalidDataException(
                    $"Load: {file}: tensor '{tensor.Name}' has shape {ShapeUtil.Format(tensor.Shape)}, expected [{weightCount}] (one value per weight).");
        }
        // A fresh optimizer has no state yet; once it has updated, resuming without its state would restart it from zero.
        if ((compile.Iterations > 0 || state.Count > 0)
            && compile.StateNames.FirstOrDefault(n => state.All(t => t.Name != OptimizerPrefix + n)) is { } absent)
            throw new InvalidDataException(
                $"Load: {file}: tensor '{OptimizerPrefix}{absent}' is missing; the saved optimizer has made {compile.Iterations} updates and needs it to resume.");
    }
}
