using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>Keras Dense: act(x kernel + bias) over the last axis (so it also maps every time step of [B, T, F]).</summary>
public sealed class Dense : Layer
{
    public Dense(int units, string? activation = null, bool useBias = true, string? name = null,
        IReadOnlyList<int>? inputShape = null) : base(name, inputShape)
    {
        if (units <= 0)
            throw new ArgumentException($"Dense: units must be positive, got {units}.");
        Units = units;
        ActivationCode = Activations.Parse(activation, "Dense", allowSoftmax: true);
        UseBias = useBias;
    }

    public int Units { get; }
    public int ActivationCode { get; }
    public bool UseBias { get; }
    public override string KerasClassName => "Dense";
    protected internal override string DefaultBaseName => "dense";

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape)
    {
        if (inputShape.Count == 0)
            throw new ArgumentException(ShapeError("(features) or (..., features)", inputShape));
        var shape = inputShape.ToArray();
        shape[^1] = Units;
        return shape;
    }

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape)
    {
        int inputs = inputShape[^1];
        yield return new WeightSpec("kernel", [inputs, Units], rng => Initializers.GlorotUniform(rng, inputs, Units));
        if (UseBias)
            yield return new WeightSpec("bias", [Units], _ => new float[Units]);
    }

    protected internal override Dictionary<string, object?> Config() => new()
    {
        ["units"] = Units, ["activation"] = Activations.Name(ActivationCode), ["use_bias"] = UseBias,
    };

    protected internal override Tensor Forward(LayerContext context, Tensor x)
    {
        bool softmax = ActivationCode == Activations.Softmax;
        var y = LinearOp.Forward(context.Tape, x, Weight("kernel"), UseBias ? Weight("bias") : null,
            softmax ? Kernels.ActivationCode.Linear : ActivationCode, Name!);
        if (softmax)
            y = SoftmaxOp.Forward(context.Tape, y, Name!);
        return y.WithMask(x.Rank >= 3 ? x.Mask : null); // per time step: the mask passes through (Keras)
    }
}
