using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>
/// Keras 3 GRU over [batch, time, features]: gates z, r, h; glorot_uniform kernel, orthogonal
/// recurrent kernel, zero bias ([2, 3*units] with resetAfter: input and recurrent rows, as cuDNN
/// and PyTorch). Runs as one fused sequence op on the tape; dropout as <see cref="RecurrentLayer"/>
/// describes (recurrentDropout: masks z, r, h; reset_before's r multiplies the dropped h_{t-1}).
/// </summary>
public sealed class Gru : SingleStateRecurrentLayer
{
    public Gru(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
        float dropout = 0f, float recurrentDropout = 0f, bool returnSequences = false, bool goBackwards = false,
        bool stateful = false, string? name = null, (int Steps, int Features)? inputShape = null, bool returnState = false,
        bool resetAfter = true)
        : base(units, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, name, inputShape, "GRU")
    {
        CandidateActivation = Activations.Parse(activation, "GRU");
        RecurrentActivation = Activations.Parse(recurrentActivation, "GRU");
        UseBias = useBias;
        ResetAfter = resetAfter;
    }

    public int CandidateActivation { get; }
    public int RecurrentActivation { get; }
    public bool UseBias { get; }

    /// <summary>Keras reset_after: apply r after the recurrent matmul (true, Keras 3's default and cuDNN's) or before it.</summary>
    public bool ResetAfter { get; }

    public override string KerasClassName => "GRU";
    protected internal override string DefaultBaseName => "gru";

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape)
    {
        int inputs = inputShape[^1], gates = 3 * Units;
        yield return new WeightSpec("kernel", [inputs, gates], rng => Initializers.GlorotUniform(rng, inputs, gates));
        yield return new WeightSpec("recurrent_kernel", [Units, gates], rng => Initializers.Orthogonal(rng, Units, gates));
        if (UseBias)
            yield return ResetAfter
                ? new WeightSpec("bias", [2, gates], _ => new float[2 * gates])
                : new WeightSpec("bias", [gates], _ => new float[gates]);
    }

    internal override RecurrentLayer WithDirection(bool goBackwards) => new Gru(Units, Activations.Name(CandidateActivation),
        Activations.Name(RecurrentActivation), UseBias, Dropout, RecurrentDropout, ReturnSequences, goBackwards,
        resetAfter: ResetAfter);

    protected internal override Dictionary<string, object?> Config()
    {
        var config = CommonConfig();
        config["activation"] = Activations.Name(CandidateActivation);
        config["recurrent_activation"] = Activations.Name(RecurrentActivation);
        config["use_bias"] = UseBias;
        config["reset_after"] = ResetAfter;
        return config;
    }

    private protected override int GateCount => 3;

    private protected override (Tensor Sequence, IReadOnlyList<Tensor> FinalStates) RunSequence(Tape tape, Tensor x,
        IReadOnlyList<Tensor>? initialStates, Tensor? mask, Tensor? inputDropoutMask, Tensor? recurrentDropoutMask)
    {
        var result = GruSequenceOp.Forward(tape, x, Weight("kernel"), Weight("recurrent_kernel"), UseBias ? Weight("bias") : null,
            initialStates?[0], ResetAfter, CandidateActivation, RecurrentActivation, Name!, mask, recurrentDropoutMask, inputDropoutMask);
        return (result.Sequence, [result.FinalHidden]);
    }
}
