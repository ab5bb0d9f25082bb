namespace GpuLstm.Models.Callbacks;

/// <summary>Multiplies the learning rate by <c>factor</c> after <c>patience</c> epochs without improvement.</summary>
public sealed class ReduceLROnPlateau(string monitor = "val_loss", float factor = 0.1f, int patience = 10,
    double minDelta = 1e-4, float minLearningRate = 0f) : Callback
{
    private double _best;
    private int _wait;

    public string Monitor { get; } = monitor;

    public override void OnTrainBegin(Sequential model)
    {
        if (!(factor > 0f && factor < 1f))
            throw new ArgumentException($"ReduceLROnPlateau: factor must be in (0, 1), got {factor}.");
        _best = HigherIsBetter(Monitor) ? double.NegativeInfinity : double.PositiveInfinity;
        _wait = 0;
    }

    public override void OnEpochEnd(Sequential model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        double value = Monitored(logs, Monitor, nameof(ReduceLROnPlateau));
        bool improved = HigherIsBetter(Monitor) ? value > _best + minDelta : value < _best - minDelta;
        if (improved)
        {
            _best = value;
            _wait = 0;
            return;
        }
        if (++_wait < patience)
            return;
        var optimizer = model.Optimizer!;
        optimizer.LearningRate = Math.Max(minLearningRate, optimizer.LearningRate * factor);
        _wait = 0;
    }
}
