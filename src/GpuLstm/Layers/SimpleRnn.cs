using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>
/// Keras SimpleRNN over [batch, time, features]: h_t = a(x W + h_{t-1} U + b), glorot_uniform kernel,
/// orthogonal recurrent kernel, zero bias. Runs as one fused sequence op on the tape; recurrentDropout
/// is one mask on h_{t-1}, dropout one on x_t (Keras).
/// </summary>
public sealed class SimpleRnn : SingleStateRecurrentLayer
{
    public SimpleRnn(int units, string activation = "tanh", bool useBias = true, float dropout = 0f,
        float recurrentDropout = 0f, bool returnSequences = false, bool goBackwards = false, bool stateful = false,
        string? name = null, (int Steps, int Features)? inputShape = null, bool returnState = false)
        : base(units, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, name, inputShape, "SimpleRNN")
    {
        Activation = Activations.Parse(activation, "SimpleRNN");
        UseBias = useBias;
    }

    public int Activation { get; }
    public bool UseBias { get; }

    public override string KerasClassName => "SimpleRNN";
    protected internal override string DefaultBaseName => "simple_rnn";

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape)
    {
        int inputs = inputShape[^1];
        yield return new WeightSpec("kernel", [inputs, Units], rng => Initializers.GlorotUniform(rng, inputs, Units));
        yield return new WeightSpec("recurrent_kernel", [Units, Units], rng => Initializers.Orthogonal(rng, Units, Units));
        if (UseBias)
            yield return new WeightSpec("bias", [Units], _ => new float[Units]);
    }

    internal override RecurrentLayer WithDirection(bool goBackwards) => new SimpleRnn(Units, Activations.Name(Activation),
        UseBias, Dropout, RecurrentDropout, ReturnSequences, goBackwards);

    protected internal override Dictionary<string, object?> Config()
    {
        var config = CommonConfig();
        config["activation"] = Activations.Name(Activation);
        config["use_bias"] = UseBias;
        return config;
    }

    private protected override int GateCount => 1;

    private protected override (Tensor Sequence, IReadOnlyList<Tensor> FinalStates) RunSequence(Tape tape, Tensor x,
        IReadOnlyList<Tensor>? initialStates, Tensor? mask, Tensor? inputDropoutMask, Tensor? recurrentDropoutMask)
    {
        var result = SimpleRnnSequenceOp.Forward(tape, x, Weight("kernel"), Weight("recurrent_kernel"), UseBias ? Weight("bias") : null,
            initialStates?[0], Activation, Name!, mask, recurrentDropoutMask);
        return (result.Sequence, [result.FinalHidden]);
    }
}
