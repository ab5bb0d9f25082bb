namespace GpuLstm.Plotting;

/// <summary>A named series drawn beside the forecast (seasonal naive, persistence, ...).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Values);

/// <summary>
/// What the forecast chart of <c>gpulstm train</c> shows: the loss per epoch (epoch 1 first) and,
/// over the test points, the actual values, the model's one-step forecast and the baselines.
/// </summary>
/// <param name="ValueLabel">The forecast panel's y axis with its unit, e.g. "CO2 (ppm)".</param>
/// <param name="Dates">One per test point when the series has dates; null draws test-point numbers.</param>
public sealed record ForecastChartData(
    string Title,
    string LossLabel,
    IReadOnlyList<double> TrainLoss,
    IReadOnlyList<double> ValidationLoss,
    string ValueLabel,
    IReadOnlyList<DateTime>? Dates,
    IReadOnlyList<double> Actual,
    IReadOnlyList<double> Forecast,
    IReadOnlyList<ChartSeries> Baselines);
