using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>What an LSTM layer call returns: its output and its final states [B, units].</summary>
public sealed record LstmLayerOutputs(Tensor Output, Tensor FinalHidden, Tensor FinalCell);

/// <summary>
/// Keras LSTM over [batch, time, features], with Keras's defaults and initializers (glorot_uniform
/// kernel, orthogonal recurrent kernel, unit forget bias). Runs as one fused sequence op on the tape.
/// Dropout follows Keras 3: alone, one input mask per sample for all steps; with recurrentDropout
/// (which makes Keras's cell use one mask per gate), per-gate masks on x_t and on h_{t-1}, drawn
/// once per call and kept for every step; h itself, the output and the final state stay undropped.
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

    public override RecurrentOutputs Call(LayerContext context, Tensor x, IReadOnlyList<Tensor>? initialStates = null,
        bool restoreTimeOrder = false)
    {
        ShapeUtil.ExpectRank(Name!, "input", x.Shape, 3, "[batch, time, features]");
        var tape = context.Tape;
        var inputMask = x.Mask; // [B, T] or null
        var initial = InitialStates(tape.Device, x.Shape[0], initialStates);
        int batch = x.Shape[0], features = x.Shape[2];
        // Keras 3 (since 3.8) runs the cell on split kernels with one mask per gate whenever
        // recurrent_dropout is set, for the input dropout too; dropout alone keeps one mask.
        bool perGate = context.Training && RecurrentDropout > 0f;
        Tensor? inputDropMask = null, recurrentDropMask = null; // [B, 4F], [B, 4H]: one mask per gate
        if (context.Training && Dropout > 0f)
        {
            if (perGate)
                inputDropMask = DropoutOp.Mask(tape, [batch, 4 * features], Dropout, context.Random.Next(), Name + ".dropout");
            else
                x = DropoutOp.Forward(tape, x, Dropout, context.Random.Next(), Name + ".dropout", sharedAcrossAxis1: true);
        }
        if (perGate)
            recurrentDropMask = DropoutOp.Mask(tape, [batch, 4 * Units], RecurrentDropout, context.Random.Next(), Name + ".recurrent_dropout");
        var timeMajor = SwapAxesOp.Forward(tape, x, GoBackwards ? 1 : -1);            // [T, B, F]
        var mask = inputMask is { } m ? SwapAxesOp.Forward(tape, m, GoBackwards ? 1 : -1) : null; // [T, B]
        var result = LstmSequenceOp.Forward(tape, timeMajor, Weight("kernel"), Weight("recurrent_kernel"),
            UseBias ? Weight("bias") : null, initial?[0], initial?[1], CellActivation, RecurrentActivation, Name!, mask,
            recurrentDropMask, inputDropMask);
        CarryFinalStates([result.FinalHidden, result.FinalCell]);
        // With the time axis the mask goes on; the final state alone has no time axis and no mask.
        var output = ReturnSequences
            ? SwapAxesOp.Forward(tape, result.Sequence, GoBackwards && restoreTimeOrder ? 0 : -1).WithMask(inputMask) // [B, T, H]
            : result.FinalHidden;
        return new RecurrentOutputs(output, [result.FinalHidden, result.FinalCell]);
    }
}
