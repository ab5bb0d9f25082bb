using System.Collections.Concurrent;

namespace GpuLstm.Device;

/// <summary>
/// Delivers device warnings: to the host's sink when it gave one, else to standard error once per
/// distinct message per process (many devices in one process should not repeat the same line).
/// </summary>
internal static class DeviceWarnings
{
    private static readonly ConcurrentDictionary<string, bool> Printed = new();

    public static void Emit(ComputeDeviceOptions options, string message)
    {
        if (options.Warning is { } sink)
            sink(message);
        else if (Printed.TryAdd(message, true))
            Console.Error.WriteLine($"gpulstm: warning: {message}");
    }
}
