using System.Globalization;

namespace GpuLstm.Datasets;

/// <summary>Human-readable byte counts for data-set messages (decimal units, as npm and download sites use).</summary>
public static class ByteSize
{
    /// <summary>Formats e.g. 4901319 as "4.9 MB".</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F1} GB"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:F1} kB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
