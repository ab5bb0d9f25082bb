namespace GpuLstm.Models.Callbacks;

/// <summary>
/// Keras TerminateOnNaN. Fit already stops at a non-finite loss before applying that step (and says
/// so in History.StopReason); this callback also stops when a non-finite value reaches the epoch logs
/// (a validation loss or metric).
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (logs.Any(l => !double.IsFinite(l.Value)))
            model.StopTraining = true;
    }
}
