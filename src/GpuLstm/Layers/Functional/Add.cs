using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>Keras Add: the element-wise sum of inputs of one shape.</summary>
public sealed class Add : MergeLayer
{
    public Add(string? name = null) : base(name)
    {
    }

    public override string KerasClassName => "Add";
    protected internal override string DefaultBaseName => "add";

    protected override int[] Combine(IReadOnlyList<IReadOnlyList<int>> shapes)
    {
        var first = shapes[0];
        if (shapes.Any(s => s.Count != first.Count || !s.Zip(first).All(p => Agree(p.First, p.Second))))
            throw new ArgumentException(MismatchError(shapes, "inputs must have the same shape"));
        return [.. first];
    }

    protected internal override Tensor Merge(LayerContext context, IReadOnlyList<Tensor> inputs)
    {
        var sum = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
            sum = MergeOp.Forward(context.Tape, sum, inputs[i], MergeMode.Sum, $"{Name}.{i}");
        return sum.WithMask(inputs[0].Mask);
    }

    protected internal override Dictionary<string, object?> Config() => new();
}
