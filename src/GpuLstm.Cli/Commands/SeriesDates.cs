using System.Globalization;

namespace GpuLstm.Cli.Commands;

/// <summary>Reads a date column's text ("1958-03", "2020-05-17", ISO 8601 times) as dates for the chart's time axis.</summary>
public static class SeriesDates
{
    private static readonly string[] Formats =
        ["yyyy-MM", "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssK",
         "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy/MM/dd", "yyyy/MM"];

    /// <summary>Every label as a date, or null (with the first label that is not one) when any fails.</summary>
    public static DateTime[]? TryParse(IReadOnlyList<string> labels, out string? notADate)
    {
        var dates = new DateTime[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            if (!DateTime.TryParseExact(labels[i].Trim(), Formats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out dates[i]))
            {
                notADate = labels[i];
                return null;
            }
        }
        notADate = null;
        return dates;
    }
}
