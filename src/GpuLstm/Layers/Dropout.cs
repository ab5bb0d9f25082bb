using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>Keras Dropout: active only while training; identity in Evaluate and Predict.</summary>
public sealed class Dropout : Layer
{
    public Dropout(float rate, string? name = null) : base(name, null)
    {
        if (!(rate >= 0f && rate < 1f))
            throw new ArgumentException($"Dropout: rate must be in [0, 1), got {rate}.");
        Rate = rate;
    }

    public float Rate { get; }
    public override string KerasClassName => "Dropout";
    protected internal override string DefaultBaseName => "dropout";

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape) => inputShape.ToArray();

    protected internal override Dictionary<string, object?> Config() => new() { ["rate"] = Rate };

    protected internal override Tensor Forward(LayerContext context, Tensor x) =>
        context.Training && Rate > 0f ? DropoutOp.Forward(context.Tape, x, Rate, context.Random.Next(), Name!).WithMask(x.Mask) : x;
}
