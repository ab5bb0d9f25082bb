using GpuLstm.Device;

namespace GpuLstm.Tests.Infrastructure;

/// <summary>Runs a test's LSTM recurrences in one mode on a shared device and puts the device's mode back after.</summary>
public sealed class RecurrenceScope : IDisposable
{
    private readonly ComputeDevice _device;
    private readonly RecurrenceMode _before;

    private RecurrenceScope(ComputeDevice device, RecurrenceMode mode)
    {
        _device = device;
        _before = device.Recurrence;
        device.Recurrence = mode == RecurrenceMode.Auto ? _before : mode; // Auto: the device's own choice
    }

    public static RecurrenceScope Use(ComputeDevice device, RecurrenceMode mode) => new(device, mode);

    public void Dispose() => _device.Recurrence = _before;
}
