using System.Globalization;
using GpuLstm.Datasets;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// The series `gpulstm train` fits: its values, a label per point (a date or the point's number),
/// the same as dates when they are dates, where it came from, and the chart's value axis with its unit.
/// </summary>
public sealed record TrainSeries(double[] Values, IReadOnlyList<string> Labels, IReadOnlyList<DateTime>? Dates, string Source,
    string Column, string ValueLabel)
{
    /// <summary>The largest magnitude accepted from a CSV: float's, as the model computes in float.</summary>
    public const double MaxMagnitude = float.MaxValue;

    /// <summary>The <see cref="Source"/> of the built-in series, as the model file records it.</summary>
    public const string BuiltInSource = "Mauna Loa CO2 monthly (built in)";

    /// <summary>The monthly Mauna Loa record shipped with GpuLstm.Datasets, in ppm.</summary>
    public static TrainSeries BuiltInCo2()
    {
        var labels = BuiltInDatasets.Co2Dates();
        var dates = SeriesDates.TryParse(labels, out string? bad)
            ?? throw new InvalidOperationException($"the built-in CO2 record has a month that is not a date: '{bad}'.");
        return new TrainSeries(BuiltInDatasets.Co2(), labels, dates, BuiltInSource, "CO2", "CO2 (ppm)");
    }

    /// <summary>
    /// A numeric column of a CSV file, labelled by <paramref name="dateColumn"/> when given. Labels that
    /// are not all dates still label the report; the chart then numbers test points, and says so on <paramref name="log"/>.
    /// </summary>
    public static TrainSeries FromCsv(string path, string column, string? dateColumn, TextWriter log)
    {
        var table = CsvTable.Load(path);
        var values = table.NumericColumn(column);
        if (values.Length == 0)
            throw new ArgumentException($"{path} has a header but no data rows, so column '{column}' is empty.");
        for (int r = 0; r < values.Length; r++)
        {
            // The model computes in float: a value past its range would train on infinities.
            if (Math.Abs(values[r]) > MaxMagnitude)
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: column '{column}', line {table.LineNumber(r)}: {values[r]:G6} is outside float's range (±{MaxMagnitude:G2}), which the model computes in."));
        }
        if (dateColumn is null)
        {
            var numbers = Enumerable.Range(1, values.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
            return new TrainSeries(values, numbers, null, path, column, column);
        }
        var labels = table.Column(dateColumn);
        var dates = SeriesDates.TryParse(labels, out string? bad);
        if (dates is null)
            log.WriteLine($"Note: --date-column '{dateColumn}' has '{bad}', not a date (e.g. 2020-05 or 2020-05-17); the chart numbers the test points.");
        return new TrainSeries(values, labels, dates, path, column, column);
    }
}
