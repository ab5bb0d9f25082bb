namespace GpuLstm.Models.Callbacks;

/// <summary>
/// Hooks into Fit, as Keras callbacks do. Logs hold loss, metrics and val_ values by Keras name;
/// batch logs hold the epoch's running means so far. Epoch and batch numbers count from 0.
/// </summary>
public abstract class Callback
{
    /// <summary>Set by Fit before <see cref="OnTrainBegin"/>.</summary>
    public FitParams? Params { get; private set; }

    internal void SetParams(FitParams parameters) => Params = parameters;

    /// <summary>
    /// Data-parallel Fit (<see cref="Model.Distribute"/>) runs this callback on every rank when true (it decides:
    /// every rank sees the same logs, so all decide alike), on rank 0 only when false (it prints or writes files).
    /// </summary>
    public virtual bool RunsOnEveryRank => true;

    public virtual void OnTrainBegin(Model model)
    {
    }

    public virtual void OnEpochBegin(Model model, int epoch)
    {
    }

    public virtual void OnBatchBegin(Model model, int batch)
    {
    }

    public virtual void OnBatchEnd(Model model, int batch, IReadOnlyDictionary<string, double> logs)
    {
    }

    public virtual void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>Also called when training stops early; <see cref="Model.History"/> then holds the reason.</summary>
    public virtual void OnTrainEnd(Model model)
    {
    }

    /// <summary>The monitored value from the logs, or a clear error naming what is there.</summary>
    protected static double Monitored(IReadOnlyDictionary<string, double> logs, string monitor, string callback) =>
        logs.TryGetValue(monitor, out double v)
            ? v
            : throw new InvalidOperationException(
                $"{callback}: monitor '{monitor}' is not in the logs ({string.Join(", ", logs.Keys)}); use validation data for val_ metrics.");
}
