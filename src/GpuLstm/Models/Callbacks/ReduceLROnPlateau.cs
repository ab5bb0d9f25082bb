namespace GpuLstm.Models.Callbacks;

/// <summary>Multiplies the learning rate by <c>factor</c> after <c>patience</c> epochs without improvement.</summary>
public sealed class ReduceLROnPlateau(string monitor = "val_loss", float factor = 0.1f, int patience = 10,
    double minDelta = 1e-4, float minLearningRate = 0f) : Callback
{
    private readonly Improvement _improvement = new(monitor, minDelta);

    public string Monitor { get; } = monitor;

    public override void OnTrainBegin(Model model)
    {
        if (!(factor > 0f && factor < 1f))
            throw new ArgumentException($"ReduceLROnPlateau: factor must be in (0, 1), got {factor}.");
        _improvement.Reset();
    }

    public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (_improvement.Update(Monitored(logs, Monitor, nameof(ReduceLROnPlateau))) || _improvement.EpochsWithout < patience)
            return;
        var optimizer = model.Optimizer!;
        optimizer.LearningRate = Math.Max(minLearningRate, optimizer.LearningRate * factor);
        _improvement.ForgiveWaiting();
    }
}
