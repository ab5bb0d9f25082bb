using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>Keras Concatenate(axis=-1): joins its inputs along the last axis; the other axes must agree.</summary>
public sealed class Concatenate : MergeLayer
{
    public Concatenate(int axis = -1, string? name = null) : base(name)
    {
        if (axis != -1)
            throw new NotSupportedException($"Concatenate: only axis -1 (the last axis) is supported, got {axis}.");
    }

    public override string KerasClassName => "Concatenate";
    protected internal override string DefaultBaseName => "concatenate";

    protected override int[] Combine(IReadOnlyList<IReadOnlyList<int>> shapes)
    {
        var first = shapes[0];
        if (shapes.Any(s => s.Count != first.Count || !s.Take(s.Count - 1).Zip(first).All(p => Agree(p.First, p.Second))))
            throw new ArgumentException(MismatchError(shapes, "inputs must agree on every axis but the last"));
        int last = shapes.Any(s => s[^1] < 0) ? -1 : shapes.Sum(s => s[^1]);
        return [.. first.Take(first.Count - 1), last];
    }

    protected internal override Tensor Merge(LayerContext context, IReadOnlyList<Tensor> inputs) =>
        ConcatenateOp.Forward(context.Tape, inputs, Name!);

    protected internal override Dictionary<string, object?> Config() => new() { ["axis"] = -1 };
}
