using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>
/// A recurrent layer whose only state is h (GRU, SimpleRNN): input dropout, the time-major layout
/// (reversed with goBackwards), masks, stateful carry and the output around one sequence op.
/// </summary>
public abstract class SingleStateRecurrentLayer : RecurrentLayer
{
    private protected SingleStateRecurrentLayer(int units, float dropout, float recurrentDropout, bool returnSequences,
        bool returnState, bool goBackwards, bool stateful, string? name, (int Steps, int Features)? inputShape, string kerasClassName)
        : base(units, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, name, inputShape, kerasClassName)
    {
        if (recurrentDropout != 0f)
            throw new NotSupportedException(
                $"{kerasClassName}: recurrentDropout is not implemented yet (input dropout is); use dropout or a Dropout layer.");
    }

    public override int StateCount => 1;

    /// <summary>Runs the layer's sequence op on time-major x [T, B, F] from h0 [B, units] (null: zeros), mask [T, B].</summary>
    private protected abstract RecurrentSequenceOutputs RunSequence(Tape tape, Tensor x, Tensor? h0, Tensor? mask);

    public override RecurrentOutputs Call(LayerContext context, Tensor x, IReadOnlyList<Tensor>? initialStates = null,
        bool restoreTimeOrder = false)
    {
        ShapeUtil.ExpectRank(Name!, "input", x.Shape, 3, "[batch, time, features]");
        var tape = context.Tape;
        var inputMask = x.Mask; // [B, T] or null
        var initial = InitialStates(tape.Device, x.Shape[0], initialStates);
        if (context.Training && Dropout > 0f)
            x = DropoutOp.Forward(tape, x, Dropout, context.Random.Next(), Name + ".dropout", sharedAcrossAxis1: true);
        int reverse = GoBackwards ? 1 : -1;
        var timeMajor = SwapAxesOp.Forward(tape, x, reverse);                                  // [T, B, F]
        var mask = inputMask is { } m ? SwapAxesOp.Forward(tape, m, reverse) : null;           // [T, B]
        var result = RunSequence(tape, timeMajor, initial?[0], mask);
        CarryFinalStates([result.FinalHidden]);
        // With the time axis the mask goes on; the final state alone has no time axis and no mask.
        var output = ReturnSequences
            ? SwapAxesOp.Forward(tape, result.Sequence, GoBackwards && restoreTimeOrder ? 0 : -1).WithMask(inputMask) // [B, T, H]
            : result.FinalHidden;
        return new RecurrentOutputs(output, [result.FinalHidden]);
    }
}
