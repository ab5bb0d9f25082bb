namespace GpuLstm.Models.Callbacks;

/// <summary>Stops Fit when the monitored value has not improved for <c>patience</c> epochs (Keras EarlyStopping).</summary>
public sealed class EarlyStopping(string monitor = "val_loss", int patience = 0, double minDelta = 0, bool restoreBestWeights = false)
    : Callback
{
    private readonly Improvement _improvement = new(monitor, minDelta);
    private float[]? _bestWeights;

    public string Monitor { get; } = monitor;
    public int StoppedEpoch { get; private set; } = -1;

    public override void OnTrainBegin(Model model)
    {
        _improvement.Reset();
        _bestWeights = null;
        StoppedEpoch = -1;
    }

    public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (_improvement.Update(Monitored(logs, Monitor, nameof(EarlyStopping))))
        {
            if (restoreBestWeights)
                _bestWeights = model.Parameters!.Values.ToArray();
            return;
        }
        if (_improvement.EpochsWithout < Math.Max(1, patience))
            return;
        StoppedEpoch = epoch;
        model.StopTraining = true;
        if (_bestWeights is not null)
            model.Parameters!.Values.CopyFrom(_bestWeights);
    }
}
