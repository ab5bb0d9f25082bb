using System.Diagnostics;

namespace GpuLstm.Device;

/// <summary>
/// Where a step's time goes, per kernel: when enabled, every launch synchronizes the device and
/// the time until the next launch (the kernel plus host work after it) is charged to it. This
/// serialises everything, so use it to find hotspots, not to measure speed.
/// </summary>
public sealed class DeviceProfiler
{
    private readonly ComputeDevice _device;
    private readonly Dictionary<string, (long Count, long Ticks)> _rows = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string? _current;
    private long _start;

    internal DeviceProfiler(ComputeDevice device) => _device = device;

    internal void Mark(string kernel, string? detail)
    {
        _device.Accelerator.Synchronize();
        Close();
        _current = detail is null ? kernel : $"{kernel} ({detail})";
        _start = _clock.ElapsedTicks;
    }

    private void Close()
    {
        if (_current is null)
            return;
        long now = _clock.ElapsedTicks;
        _rows.TryGetValue(_current, out var row);
        _rows[_current] = (row.Count + 1, row.Ticks + now - _start);
        _current = null;
    }

    public void Reset()
    {
        _rows.Clear();
        _current = null;
    }

    /// <summary>Rows sorted by total time: name, launches, total milliseconds.</summary>
    public IReadOnlyList<(string Kernel, long Launches, double Milliseconds)> Report()
    {
        _device.Accelerator.Synchronize();
        Close();
        return _rows.Select(r => (r.Key, r.Value.Count, r.Value.Ticks * 1000.0 / Stopwatch.Frequency))
            .OrderByDescending(r => r.Item3).ToList();
    }
}
