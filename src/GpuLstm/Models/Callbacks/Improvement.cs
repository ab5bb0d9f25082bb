namespace GpuLstm.Models.Callbacks;

/// <summary>
/// Tracks the best value of a monitored log entry and how many epochs passed without beating it by
/// minDelta (Keras's "auto" mode: accuracy-like values improve upward, losses downward).
/// </summary>
internal sealed class Improvement(string monitor, double minDelta)
{
    private readonly bool _higherIsBetter = monitor.Contains("acc", StringComparison.OrdinalIgnoreCase);

    public double Best { get; private set; }
    public int EpochsWithout { get; private set; }

    public void Reset()
    {
        Best = _higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        EpochsWithout = 0;
    }

    /// <summary>Records this epoch's value; true when it is a new best.</summary>
    public bool Update(double value)
    {
        bool improved = _higherIsBetter ? value > Best + minDelta : value < Best - minDelta;
        if (improved)
        {
            Best = value;
            EpochsWithout = 0;
        }
        else
        {
            EpochsWithout++;
        }
        return improved;
    }

    public void ForgiveWaiting() => EpochsWithout = 0;
}
