using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>What a recurrent layer call returns: its output and its final states, each [B, units] (LSTM: h, c; GRU/SimpleRNN: h).</summary>
public sealed record RecurrentOutputs(Tensor Output, IReadOnlyList<Tensor> States);

/// <summary>
/// What LSTM, GRU and SimpleRNN share (Keras RNN): [batch, time, features] in, the last output or the
/// whole sequence out, optional initial states, stateful carrying of the final states between batches,
/// and the settings Bidirectional copies into its two directions. Dropout follows Keras 3: alone, one
/// input mask per sample for all steps; with recurrentDropout (which makes Keras's LSTM and GRU cells
/// use one mask per gate), per-gate masks on x_t and on h_{t-1}, drawn once per call and kept for
/// every step; h itself, the output and the final states stay undropped.
/// </summary>
public abstract class RecurrentLayer : Layer
{
    private Tensor[]? _carried; // [B, units] each, carried between batches when stateful

    protected RecurrentLayer(int units, float dropout, float recurrentDropout, bool returnSequences, bool returnState,
        bool goBackwards, bool stateful, string? name, (int Steps, int Features)? inputShape, string kerasClassName)
        : base(name, inputShape is { } s ? [s.Steps, s.Features] : null)
    {
        if (units <= 0)
            throw new ArgumentException($"{kerasClassName}: units must be positive, got {units}.");
        if (!(dropout >= 0f && dropout < 1f))
            throw new ArgumentException($"{kerasClassName}: dropout must be in [0, 1), got {dropout}.");
        if (!(recurrentDropout >= 0f && recurrentDropout < 1f))
            throw new ArgumentException($"{kerasClassName}: recurrentDropout must be in [0, 1), got {recurrentDropout}.");
        Units = units;
        Dropout = dropout;
        RecurrentDropout = recurrentDropout;
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
        Stateful = stateful;
    }

    public int Units { get; }
    public bool ReturnSequences { get; }

    /// <summary>Keras return_state: the functional API's ApplyWithState gives the final states as extra outputs.</summary>
    public bool ReturnState { get; }

    public bool GoBackwards { get; }
    public bool Stateful { get; }

    /// <summary>Fraction of input features dropped while training, one mask per sample for all time steps (Keras).</summary>
    public float Dropout { get; }

    /// <summary>Fraction of the recurrent state h_{t-1} dropped while training, one mask per gate and sample for all time steps (Keras 3).</summary>
    public float RecurrentDropout { get; }

    /// <summary>How many state tensors the cell carries: 2 for LSTM (h, c), 1 for GRU and SimpleRNN (h).</summary>
    public abstract int StateCount { get; }

    /// <summary>The cell's gates, each with its own dropout masks under recurrentDropout: LSTM 4, GRU 3, SimpleRNN 1.</summary>
    private protected abstract int GateCount { get; }

    /// <summary>
    /// Runs the layer's sequence op on time-major x [T, B, F] from the initial states (each [B, units];
    /// null: zeros) with mask [T, B]; the dropout masks are per gate, [B, gates*F] on x_t and
    /// [B, gates*units] on h_{t-1}, or null. Returns every step's h [T, B, units] and the final states.
    /// </summary>
    private protected abstract (Tensor Sequence, IReadOnlyList<Tensor> FinalStates) RunSequence(Tape tape, Tensor x,
        IReadOnlyList<Tensor>? initialStates, Tensor? mask, Tensor? inputDropoutMask, Tensor? recurrentDropoutMask);

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape)
    {
        if (inputShape.Count != 2)
            throw new ArgumentException(ShapeError("(time steps, features)", inputShape));
        // The kernels' gate axis (GateCount * units) is one int dimension.
        if ((long)GateCount * Units > int.MaxValue)
            throw new ArgumentException(
                $"{Name ?? DefaultBaseName} ({KerasClassName}): {GateCount} gates × {Units:N0} units = {(long)GateCount * Units:N0} kernel columns, more than one axis holds ({int.MaxValue:N0}).");
        return ReturnSequences ? [inputShape[0], Units] : [Units];
    }

    protected internal override Tensor Forward(LayerContext context, Tensor x) => Call(context, x).Output;

    /// <summary>
    /// Runs the layer on x [B, T, F] with optional initial states (each [B, units]; an encoder's final
    /// states, say). Output is [B, T, units] with returnSequences (in processing order, so reversed with
    /// goBackwards unless <paramref name="restoreTimeOrder"/>), else [B, units].
    /// </summary>
    /// <param name="restoreTimeOrder">With goBackwards and returnSequences, put the outputs back in input time order (Bidirectional).</param>
    public RecurrentOutputs Call(LayerContext context, Tensor x, IReadOnlyList<Tensor>? initialStates = null,
        bool restoreTimeOrder = false)
    {
        using var _ = EnterOwnerBusy("Call");
        ShapeUtil.ExpectRank(Name!, "input", x.Shape, 3, "[batch, time, features]");
        var tape = context.Tape;
        var inputMask = x.Mask; // [B, T] or null
        var initial = InitialStates(tape.Device, x.Shape[0], initialStates);
        int batch = x.Shape[0], features = x.Shape[2], gates = GateCount;
        // Keras 3 (since 3.8) runs the cell on split kernels with one mask per gate whenever
        // recurrent_dropout is set, for the input dropout too; dropout alone keeps one mask (as does
        // SimpleRNN, whose one gate makes the two the same).
        bool perGate = context.Training && RecurrentDropout > 0f;
        Tensor? inputDropMask = null, recurrentDropMask = null; // [B, gates*F], [B, gates*units]
        if (context.Training && Dropout > 0f)
        {
            if (perGate && gates > 1)
                inputDropMask = DropoutOp.Mask(tape, [batch, gates * features], Dropout, context.Random.Next(), Name + ".dropout");
            else
                x = DropoutOp.Forward(tape, x, Dropout, context.Random.Next(), Name + ".dropout", sharedAcrossAxis1: true);
        }
        if (perGate)
            recurrentDropMask = DropoutOp.Mask(tape, [batch, gates * Units], RecurrentDropout, context.Random.Next(), Name + ".recurrent_dropout");
        int reverse = GoBackwards ? 1 : -1;
        var timeMajor = SwapAxesOp.Forward(tape, x, reverse);                                  // [T, B, F]
        var mask = inputMask is { } m ? SwapAxesOp.Forward(tape, m, reverse) : null;           // [T, B]
        var (sequence, finalStates) = RunSequence(tape, timeMajor, initial, mask, inputDropMask, recurrentDropMask);
        CarryFinalStates(finalStates);
        // With the time axis the mask goes on; the final state alone has no time axis and no mask.
        var output = ReturnSequences
            ? SwapAxesOp.Forward(tape, sequence, GoBackwards && restoreTimeOrder ? 0 : -1).WithMask(inputMask) // [B, T, H]
            : finalStates[0];
        return new RecurrentOutputs(output, finalStates);
    }

    /// <summary>
    /// Calls the layer on a symbolic tensor starting from the given states (functional API; Keras
    /// <c>layer(x, initial_state=[h, c])</c>): one tensor per state (LSTM: h, c; GRU/SimpleRNN: h), each (units).
    /// </summary>
    public SymbolicTensor Apply(SymbolicTensor input, IReadOnlyList<SymbolicTensor> initialState)
    {
        if (ReturnState)
            throw new InvalidOperationException(
                $"{Name ?? DefaultBaseName} ({KerasClassName}) was created with returnState: call ApplyWithState to get its output and states.");
        return RecordCall(input, CheckedStates(initialState), 1, shape => [shape])[0];
    }

    /// <summary>
    /// Keras return_state: the output followed by the final states (LSTM: [output, h, c]; GRU/SimpleRNN:
    /// [output, h]), each state (units). Needs the layer to be created with returnState: true.
    /// </summary>
    public SymbolicTensor[] ApplyWithState(SymbolicTensor input, IReadOnlyList<SymbolicTensor>? initialState = null)
    {
        if (!ReturnState)
            throw new InvalidOperationException(
                $"{Name ?? DefaultBaseName} ({KerasClassName}): ApplyWithState needs the layer created with returnState: true.");
        return RecordCall(input, initialState is null ? [] : CheckedStates(initialState), 1 + StateCount,
            shape => [shape, .. Enumerable.Repeat(new[] { Units }, StateCount)]);
    }

    private SymbolicTensor[] CheckedStates(IReadOnlyList<SymbolicTensor> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        string who = $"{Name ?? DefaultBaseName} ({KerasClassName})";
        if (states.Count != StateCount)
            throw new ArgumentException($"{who}: initialState needs {StateCount} tensor(s) (one per state), got {states.Count}.");
        foreach (var state in states)
        {
            if (!state.Shape.SequenceEqual([Units]))
                throw new ArgumentException($"{who}: an initial state must have shape {Models.ModelSummary.FormatShape([Units])}, got {Models.ModelSummary.FormatShape(state.Shape)}.");
        }
        return [.. states];
    }

    /// <summary>A copy with the same settings reading in the given direction (Bidirectional's two halves), not stateful.</summary>
    internal abstract RecurrentLayer WithDirection(bool goBackwards);

    /// <summary>The settings every recurrent layer saves (Keras get_config keys).</summary>
    protected Dictionary<string, object?> CommonConfig() => new()
    {
        ["units"] = Units, ["return_sequences"] = ReturnSequences, ["return_state"] = ReturnState,
        ["go_backwards"] = GoBackwards, ["stateful"] = Stateful, ["dropout"] = Dropout,
        ["recurrent_dropout"] = RecurrentDropout,
    };

    /// <summary>Checks given initial states, or for a stateful layer returns the carried ones (zeros at first).</summary>
    protected IReadOnlyList<Tensor>? InitialStates(ComputeDevice device, int batch, IReadOnlyList<Tensor>? given)
    {
        if (given is not null)
        {
            if (given.Count != StateCount)
                throw new ArgumentException(
                    $"{Name} ({KerasClassName}): expected {StateCount} initial state tensor(s), got {given.Count}.");
            foreach (var s in given)
                ShapeUtil.Expect(Name!, "initial state", s.Shape, [batch, Units]);
            return given;
        }
        if (!Stateful)
            return null;
        if (_carried is not null && _carried[0].Shape[0] != batch)
            throw new ArgumentException(
                $"{Name} ({KerasClassName}): a stateful layer needs the same batch size every call; state holds {_carried[0].Shape[0]}, got {batch}.");
        _carried ??= Enumerable.Range(0, StateCount)
            .Select(i => Tensor.Zeros(device, [batch, Units], $"{Name}.state_{i}")).ToArray();
        return _carried;
    }

    /// <summary>Truncated BPTT: a stateful layer's next batch starts from these values, without a gradient path back.</summary>
    protected void CarryFinalStates(IReadOnlyList<Tensor> finalStates)
    {
        if (!Stateful || _carried is null)
            return;
        for (int i = 0; i < finalStates.Count; i++)
            Ops.Elementwise.CopyInto(finalStates[i], _carried![i]);
    }

    /// <summary>Zeroes the carried state of a stateful layer (Keras reset_states).</summary>
    public override void ResetStates()
    {
        using var _ = EnterOwnerBusy("ResetStates");
        foreach (var s in _carried ?? [])
            s.Fill(0f);
    }

    internal override void ReleaseDeviceState()
    {
        foreach (var s in _carried ?? [])
            s.Dispose();
        _carried = null;
    }
}
