using System.Globalization;

namespace GpuLstm.Datasets;

/// <summary>
/// Data sets that ship inside the library (BuiltIn/*.csv; provenance and licenses are in
/// BuiltIn/ATTRIBUTION.md). Larger ones are downloaded on request: see <see cref="DataCatalog"/>.
/// </summary>
public static class BuiltInDatasets
{
    /// <summary>Resource file name of the Mauna Loa CO2 record.</summary>
    public const string Co2FileName = "co2-concentration.csv";

    /// <summary>Resource file name of the Seattle daily weather record.</summary>
    public const string SeattleWeatherFileName = "seattle-weather.csv";

    /// <summary>The categories of <see cref="SeattleWeatherDay.Weather"/>, in the order datapackage.json lists them.</summary>
    public static readonly IReadOnlyList<string> WeatherKinds = ["drizzle", "rain", "snow", "sun", "fog"];

    // Parsed once: the resource never changes, and callers get copies so they cannot alter the cache.
    private static readonly Lazy<(double[] Values, string[] Dates)> Co2Data = new(LoadCo2);
    private static readonly Lazy<IReadOnlyList<SeattleWeatherDay>> SeattleData = new(LoadSeattleWeather);

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

    /// <summary>
    /// Daily weather at Seattle from seattle-weather.csv in vega-datasets 3.2.1 (NOAA National
    /// Climatic Data Center, U.S. Government work): 1,461 consecutive days from 2012-01-01 to
    /// 2015-12-31, oldest first. The list is read-only and its records are immutable.
    /// </summary>
    public static IReadOnlyList<SeattleWeatherDay> SeattleWeather() => SeattleData.Value;

    private static IReadOnlyList<SeattleWeatherDay> LoadSeattleWeather()
    {
        var table = CsvTable.LoadEmbedded(SeattleWeatherFileName);
        var dates = table.Column("date");
        var precipitation = table.NumericColumn("precipitation");
        var tempMax = table.NumericColumn("temp_max");
        var tempMin = table.NumericColumn("temp_min");
        var wind = table.NumericColumn("wind");
        var weather = table.Column("weather");
        var days = new SeattleWeatherDay[table.RowCount];
        for (int i = 0; i < days.Length; i++)
        {
            if (!DateOnly.TryParseExact(dates[i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                throw new InvalidDataException($"{table.Source}: line {table.LineNumber(i)}: '{dates[i]}' is not a yyyy-MM-dd date.");
            // Day-by-day models assume no gaps; a missing or repeated day would shift every window.
            if (i > 0 && date != days[i - 1].Date.AddDays(1))
                throw new InvalidDataException($"{table.Source}: line {table.LineNumber(i)}: {dates[i]} does not follow {days[i - 1].Date:yyyy-MM-dd}.");
            if (!WeatherKinds.Contains(weather[i]))
                throw new InvalidDataException($"{table.Source}: line {table.LineNumber(i)}: unknown weather '{weather[i]}'.");
            days[i] = new SeattleWeatherDay(date, precipitation[i], tempMax[i], tempMin[i], wind[i], weather[i]);
        }
        return Array.AsReadOnly(days);
    }

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
