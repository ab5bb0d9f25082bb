using System.Collections.Concurrent;
using GpuLstm.Device;

namespace GpuLstm.Tests.Infrastructure;

/// <summary>Whether an accelerator kind is present here, probed once per process.</summary>
public static class AcceleratorPresence
{
    private static readonly ConcurrentDictionary<DeviceKind, string?> Probed = new();

    /// <summary>Null when a device of <paramref name="kind"/> is present; else why not.</summary>
    public static string? Missing(DeviceKind kind) => Probed.GetOrAdd(kind, static k =>
    {
        try
        {
            return DeviceSelector.Probe(k);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            return e.Message;
        }
    });
}
