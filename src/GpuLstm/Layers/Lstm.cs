using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>What an LSTM layer call returns: its output and its final states [B, units].</summary>
public sealed record LstmLayerOutputs(Tensor Output, Tensor FinalHidden, Tensor FinalCell);

/// <summary>
/// Keras LSTM over [batch, time, features], with Keras's defaults and initializers (glorot_uniform
/// kernel, orthogonal recurrent kernel, unit forget bias). Runs as one fused sequence op on the tape;
/// dropout as <see cref="RecurrentLayer"/> describes.
/// </summary>
public sealed class Lstm : RecurrentLayer
{
    public Lstm(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
        bool unitForgetBias = true, float dropout = 0f, float recurrentDropout = 0f, bool returnSequences = false,
        bool goBackwards = false, bool stateful = false, string? name = null, (int Steps, int Features)? inputShape = null,
        bool returnState = false)
        : base(units, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, name, inputShape, "LSTM")
    {
        CellActivation = Activations.Parse(activation, "LSTM");
        RecurrentActivation = Activations.Parse(recurrentActivation, "LSTM");
        UseBias = useBias;
        UnitForgetBias = unitForgetBias;
    }

    public int CellActivation { get; }
    public int RecurrentActivation { get; }
    public bool UseBias { get; }
    public bool UnitForgetBias { get; }

    public override string KerasClassName => "LSTM";
    protected internal override string DefaultBaseName => "lstm";
    public override int StateCount => 2;

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape)
    {
        int inputs = inputShape[^1], gates = 4 * Units;
        yield return new WeightSpec("kernel", [inputs, gates], rng => Initializers.GlorotUniform(rng, inputs, gates));
        yield return new WeightSpec("recurrent_kernel", [Units, gates], rng => Initializers.Orthogonal(rng, Units, gates));
        if (UseBias)
            yield return new WeightSpec("bias", [gates], _ => Initializers.LstmBias(Units, UnitForgetBias));
    }

    internal override RecurrentLayer WithDirection(bool goBackwards) => new Lstm(Units, Activations.Name(CellActivation),
        Activations.Name(RecurrentActivation), UseBias, UnitForgetBias, Dropout, RecurrentDropout,
        returnSequences: ReturnSequences, goBackwards: goBackwards);

    protected internal override Dictionary<string, object?> Config()
    {
        var config = CommonConfig();
        config["activation"] = Activations.Name(CellActivation);
        config["recurrent_activation"] = Activations.Name(RecurrentActivation);
        config["use_bias"] = UseBias;
        config["unit_forget_bias"] = UnitForgetBias;
        return config;
    }

    /// <summary>
    /// Runs the layer with optional initial states h0, c0 [B, units] (an encoder's final states, say).
    /// Output is [B, T, units] with returnSequences (in processing order, so reversed with goBackwards), else [B, units].
    /// </summary>
    /// <param name="restoreTimeOrder">With goBackwards and returnSequences, put the outputs back in input time order (Bidirectional).</param>
    public LstmLayerOutputs Call(LayerContext context, Tensor x, Tensor? h0, Tensor? c0 = null, bool restoreTimeOrder = false)
    {
        if ((h0 is null) != (c0 is null))
            throw new ArgumentException($"{Name} (LSTM): give both initial states h0 and c0, or neither.");
        var result = Call(context, x, h0 is null ? null : [h0, c0!], restoreTimeOrder);
        return new LstmLayerOutputs(result.Output, result.States[0], result.States[1]);
    }

    private protected override int GateCount => 4;

    private protected override (Tensor Sequence, IReadOnlyList<Tensor> FinalStates) RunSequence(Tape tape, Tensor x,
        IReadOnlyList<Tensor>? initialStates, Tensor? mask, Tensor? inputDropoutMask, Tensor? recurrentDropoutMask)
    {
        var result = LstmSequenceOp.Forward(tape, x, Weight("kernel"), Weight("recurrent_kernel"), UseBias ? Weight("bias") : null,
            initialStates?[0], initialStates?[1], CellActivation, RecurrentActivation, Name!, mask, recurrentDropoutMask, inputDropoutMask);
        return (result.Sequence, [result.FinalHidden, result.FinalCell]);
    }
}
