namespace GpuLstm.Plotting;

/// <summary>
/// Rejects chart data that cannot be drawn truthfully before anything is rendered or written, with
/// the offending <see cref="ForecastChartData"/> member named: a forecast one point short would
/// otherwise be drawn shifted against the actual values without any sign of it.
/// </summary>
internal static class ForecastChartValidation
{
    public const int MinWidth = 300;
    public const int MinHeight = 300;

    public static void Check(ForecastChartData data, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, MinWidth);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, MinHeight);

        NotNull(data.TrainLoss, nameof(data.TrainLoss));
        NotNull(data.ValidationLoss, nameof(data.ValidationLoss));
        NotNull(data.Actual, nameof(data.Actual));
        NotNull(data.Forecast, nameof(data.Forecast));
        NotNull(data.Baselines, nameof(data.Baselines));

        if (data.TrainLoss.Count == 0)
            throw Bad(nameof(data.TrainLoss), "is empty; the loss panel needs at least one epoch");
        if (data.ValidationLoss.Count != 0 && data.ValidationLoss.Count != data.TrainLoss.Count)
            throw Bad(nameof(data.ValidationLoss), $"has {data.ValidationLoss.Count} epochs but TrainLoss has {data.TrainLoss.Count} (give one per epoch, or none)");
        if (data.Actual.Count == 0)
            throw Bad(nameof(data.Actual), "is empty; the forecast panel needs at least one test point");
        SameLength(data.Forecast.Count, data.Actual.Count, nameof(data.Forecast));
        if (data.Dates is not null)
            SameLength(data.Dates.Count, data.Actual.Count, nameof(data.Dates));
        for (int i = 0; i < data.Baselines.Count; i++)
        {
            var baseline = data.Baselines[i] ?? throw Bad($"{nameof(data.Baselines)}[{i}]", "is null");
            if (string.IsNullOrWhiteSpace(baseline.Name))
                throw Bad($"{nameof(data.Baselines)}[{i}].{nameof(ChartSeries.Name)}", "is empty; the legend needs a name");
            NotNull(baseline.Values, $"{nameof(data.Baselines)}[{i}] ('{baseline.Name}').{nameof(ChartSeries.Values)}");
            SameLength(baseline.Values.Count, data.Actual.Count, $"{nameof(data.Baselines)}[{i}] ('{baseline.Name}')");
        }
    }

    private static void NotNull(object? value, string member)
    {
        if (value is null)
            throw Bad(member, "is null");
    }

    private static void SameLength(int count, int actual, string member)
    {
        if (count != actual)
            throw Bad(member, $"has {count} values but Actual has {actual} (one per test point)");
    }

    private static ArgumentException Bad(string member, string problem) =>
        new($"{nameof(ForecastChartData)}.{member} {problem}.", "data");
}
