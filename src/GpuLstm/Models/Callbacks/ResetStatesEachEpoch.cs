namespace GpuLstm.Models.Callbacks;

/// <summary>Zeroes stateful layers' state before every epoch: truncated BPTT restarts at the start of each stream.</summary>
public sealed class ResetStatesEachEpoch : Callback
{
    public override void OnEpochBegin(Model model, int epoch) => model.ResetStates();
}
