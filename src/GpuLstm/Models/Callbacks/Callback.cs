namespace GpuLstm.Models.Callbacks;

/// <summary>Hooks into Fit, as Keras callbacks do. Logs hold loss, metrics and val_ values by Keras name.</summary>
public abstract class Callback
{
    public virtual void OnTrainBegin(Sequential model)
    {
    }

    public virtual void OnEpochBegin(Sequential model, int epoch)
    {
    }

    public virtual void OnEpochEnd(Sequential model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
    }

    public virtual void OnTrainEnd(Sequential model)
    {
    }

    /// <summary>The monitored value from the logs, or a clear error naming what is there.</summary>
    protected static double Monitored(IReadOnlyDictionary<string, double> logs, string monitor, string callback) =>
        logs.TryGetValue(monitor, out double v)
            ? v
            : throw new InvalidOperationException(
                $"{callback}: monitor '{monitor}' is not in the logs ({string.Join(", ", logs.Keys)}); use validation data for val_ metrics.");
}
