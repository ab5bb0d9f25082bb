using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>What an LSTM layer call returns: its output and its final states [B, units].</summary>
public sealed record LstmLayerOutputs(Tensor Output, Tensor FinalHidden, Tensor FinalCell);

/// <summary>
/// Keras LSTM over [batch, time, features], with Keras's defaults and initializers (glorot_uniform
/// kernel, orthogonal recurrent kernel, unit forget bias). Runs as one fused sequence op on the tape.
/// </summary>
public sealed class Lstm : Layer
{
    private Tensor? _stateH, _stateC; // [B, units] carried between batches when stateful

    public Lstm(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
        bool unitForgetBias = true, float dropout = 0f, float recurrentDropout = 0f, bool returnSequences = false,
        bool goBackwards = false, bool stateful = false, string? name = null, (int Steps, int Features)? inputShape = null)
        : base(name, inputShape is { } s ? [s.Steps, s.Features] : null)
    {
        if (units <= 0)
            throw new ArgumentException($"LSTM: units must be positive, got {units}.");
        if (!(dropout >= 0f && dropout < 1f))
            throw new ArgumentException($"LSTM: dropout must be in [0, 1), got {dropout}.");
        if (recurrentDropout != 0f)
            throw new NotSupportedException(
                "LSTM: recurrentDropout is not implemented yet (input dropout is); use dropout or a Dropout layer.");
        Dropout = dropout;
        Units = units;
        CellActivation = Activations.Parse(activation, "LSTM");
        RecurrentActivation = Activations.Parse(recurrentActivation, "LSTM");
        UseBias = useBias;
        UnitForgetBias = unitForgetBias;
        ReturnSequences = returnSequences;
        GoBackwards = goBackwards;
        Stateful = stateful;
    }

    public int Units { get; }
    public int CellActivation { get; }
    public int RecurrentActivation { get; }
    public bool UseBias { get; }
    public bool UnitForgetBias { get; }
    public bool ReturnSequences { get; }
    public bool GoBackwards { get; }
    public bool Stateful { get; }

    /// <summary>Fraction of input features dropped while training, one mask per sample for all time steps (Keras).</summary>
    public float Dropout { get; }

    public override string KerasClassName => "LSTM";
    protected internal override string DefaultBaseName => "lstm";

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape)
    {
        if (inputShape.Count != 2)
            throw new ArgumentException(ShapeError("(time steps, features)", inputShape));
        return ReturnSequences ? [inputShape[0], Units] : [Units];
    }

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape)
    {
        int inputs = inputShape[^1], gates = 4 * Units;
        yield return new WeightSpec("kernel", [inputs, gates], rng => Initializers.GlorotUniform(rng, inputs, gates));
        yield return new WeightSpec("recurrent_kernel", [Units, gates], rng => Initializers.Orthogonal(rng, Units, gates));
        if (UseBias)
            yield return new WeightSpec("bias", [gates], _ => Initializers.LstmBias(Units, UnitForgetBias));
    }

    /// <summary>A copy with the same settings reading in the given direction (Bidirectional's two halves).</summary>
    internal Lstm WithDirection(bool goBackwards) => new(Units, Activations.Name(CellActivation),
        Activations.Name(RecurrentActivation), UseBias, UnitForgetBias, Dropout, returnSequences: ReturnSequences, goBackwards: goBackwards);

    protected internal override Dictionary<string, object?> Config() => new()
    {
        ["units"] = Units, ["activation"] = Activations.Name(CellActivation),
        ["recurrent_activation"] = Activations.Name(RecurrentActivation), ["use_bias"] = UseBias,
        ["unit_forget_bias"] = UnitForgetBias, ["return_sequences"] = ReturnSequences,
        ["go_backwards"] = GoBackwards, ["stateful"] = Stateful, ["dropout"] = Dropout,
    };

    protected internal override Tensor Forward(LayerContext context, Tensor x) => Call(context, x).Output;

    /// <summary>
    /// Runs the layer with optional initial states h0, c0 [B, units] (an encoder's final states, say).
    /// Output is [B, T, units] with returnSequences (in processing order, so reversed with goBackwards), else [B, units].
    /// </summary>
    /// <param name="restoreTimeOrder">With goBackwards and returnSequences, put the outputs back in input time order (Bidirectional).</param>
    public LstmLayerOutputs Call(LayerContext context, Tensor x, Tensor? h0 = null, Tensor? c0 = null, bool restoreTimeOrder = false)
    {
        ShapeUtil.ExpectRank(Name!, "input", x.Shape, 3, "[batch, time, features]");
        var tape = context.Tape;
        int batch = x.Shape[0];
        var inputMask = x.Mask; // [B, T] or null
        if (Stateful && h0 is null && c0 is null)
            (h0, c0) = CarriedState(tape.Device, batch);
        if (context.Training && Dropout > 0f)
            x = DropoutOp.Forward(tape, x, Dropout, context.Random.Next(), Name + ".dropout", sharedAcrossAxis1: true);
        var timeMajor = SwapAxesOp.Forward(tape, x, GoBackwards ? 1 : -1);            // [T, B, F]
        var mask = inputMask is { } m ? SwapAxesOp.Forward(tape, m, GoBackwards ? 1 : -1) : null; // [T, B]
        var result = LstmSequenceOp.Forward(tape, timeMajor, Weight("kernel"), Weight("recurrent_kernel"),
            UseBias ? Weight("bias") : null, h0, c0, CellActivation, RecurrentActivation, Name!, mask);
        if (Stateful)
        {
            // Truncated BPTT: the next batch starts from these values, without a gradient path back.
            Elementwise.CopyInto(result.FinalHidden, _stateH!);
            Elementwise.CopyInto(result.FinalCell, _stateC!);
        }
        // With the time axis the mask goes on; the final state alone has no time axis and no mask.
        var output = ReturnSequences
            ? SwapAxesOp.Forward(tape, result.Sequence, GoBackwards && restoreTimeOrder ? 0 : -1).WithMask(inputMask) // [B, T, H]
            : result.FinalHidden;
        return new LstmLayerOutputs(output, result.FinalHidden, result.FinalCell);
    }

    private (Tensor H, Tensor C) CarriedState(ComputeDevice device, int batch)
    {
        if (_stateH is not null && _stateH.Shape[0] != batch)
            throw new ArgumentException(
                $"{Name} (LSTM): a stateful layer needs the same batch size every call; state holds {_stateH.Shape[0]}, got {batch}.");
        if (_stateH is null)
        {
            _stateH = Tensor.Zeros(device, [batch, Units], Name + ".state_h");
            _stateC = Tensor.Zeros(device, [batch, Units], Name + ".state_c");
        }
        return (_stateH, _stateC!);
    }

    /// <summary>Zeroes the carried state of a stateful layer (Keras reset_states).</summary>
    public override void ResetStates()
    {
        _stateH?.Fill(0f);
        _stateC?.Fill(0f);
    }

    internal override void ReleaseDeviceState()
    {
        _stateH?.Dispose();
        _stateC?.Dispose();
        _stateH = _stateC = null;
    }
}
