namespace GpuLstm.Models;

/// <summary>What Fit returns: per-epoch values of the loss, metrics and their validation twins (Keras History.history).</summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _values = new();

    public IReadOnlyDictionary<string, List<double>> Values => _values;

    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out var v)
        ? v
        : throw new KeyNotFoundException($"History has no '{key}'; it has {string.Join(", ", _values.Keys)}.");

    /// <summary>Why Fit stopped early on its own (a NaN or infinite loss), or null.</summary>
    public string? StopReason { get; internal set; }

    public int Epochs => _values.Count == 0 ? 0 : _values.Values.Max(v => v.Count);

    internal void Add(IReadOnlyDictionary<string, double> logs)
    {
        foreach (var (key, value) in logs)
        {
            if (!_values.TryGetValue(key, out var list))
                _values[key] = list = new List<double>();
            list.Add(value);
        }
    }
}
