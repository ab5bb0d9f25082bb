namespace GpuLstm.Data;

/// <summary>
/// Data sets that ship inside the library (Data/Datasets/*.csv; provenance and licenses are in
/// Data/Datasets/ATTRIBUTION.md).
/// </summary>
public static class Datasets
{
    /// <summary>Resource file name of the Mauna Loa CO2 record.</summary>
    public const string Co2FileName = "co2-concentration.csv";

    // Parsed once: the resource never changes, and callers get copies so they cannot alter the cache.
    private static readonly Lazy<(double[] Values, string[] Dates)> Co2Data = new(LoadCo2);

    /// <summary>
    /// Monthly mean atmospheric CO2 at Mauna Loa in ppm: the "CO2" column (not seasonally adjusted)
    /// of co2-concentration.csv from vega-datasets 3.2.1 (Scripps CO2 Program, CC BY 4.0).
    /// It has 741 values from 1958-03 to 2020-04, oldest first. The source leaves out 5 months
    /// with no valid data (1958-06, 1958-10, 1964-02 to 1964-04), so the early record is not
    /// evenly spaced. <see cref="Co2Dates"/> gives the month of each value.
    /// </summary>
    /// <returns>A new array on every call.</returns>
    public static double[] Co2() => (double[])Co2Data.Value.Values.Clone();

    /// <summary>The "Date" column matching <see cref="Co2"/> element by element, formatted "yyyy-MM-01".</summary>
    public static IReadOnlyList<string> Co2Dates() => Array.AsReadOnly(Co2Data.Value.Dates);

    private static (double[] Values, string[] Dates) LoadCo2()
    {
        var table = CsvTable.LoadEmbedded(Co2FileName);
        var values = table.NumericColumn("CO2");
        var dates = table.Column("Date").ToArray();
        // ISO dates sort as strings; a reordered file would quietly break every forecast built on it.
        for (int i = 1; i < dates.Length; i++)
        {
            if (string.CompareOrdinal(dates[i - 1], dates[i]) >= 0)
                throw new InvalidDataException(
                    $"{table.Source}: dates are not strictly increasing at line {table.LineNumber(i)} ('{dates[i - 1]}' then '{dates[i]}').");
        }
        return (values, dates);
    }
}
