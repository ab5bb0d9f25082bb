using GpuLstm.Plotting;

namespace GpuLstm.Tests.Plotting;

/// <summary>A CO2-like monthly test set and a decaying loss, as <c>gpulstm train</c> would chart them.</summary>
public static class SampleChartData
{
    public static ForecastChartData Create(bool withDates, int points = 60, int epochs = 20)
    {
        static double Co2(int i) => 410 + 0.2 * i + 3 * Math.Sin(i * Math.PI / 6);
        var start = new DateTime(2019, 1, 1);
        return new ForecastChartData(
            Title: "co2",
            LossLabel: "scaled MSE",
            TrainLoss: Enumerable.Range(1, epochs).Select(e => 0.5 * Math.Exp(-e / 5.0) + 0.01).ToArray(),
            ValidationLoss: Enumerable.Range(1, epochs).Select(e => 0.6 * Math.Exp(-e / 6.0) + 0.02).ToArray(),
            ValueLabel: "CO2 (ppm)",
            Dates: withDates ? Enumerable.Range(0, points).Select(i => start.AddMonths(i)).ToArray() : null,
            Actual: Enumerable.Range(0, points).Select(Co2).ToArray(),
            Forecast: Enumerable.Range(0, points).Select(i => Co2(i) + 0.4 * Math.Sin(i * 1.7)).ToArray(),
            Baselines:
            [
                new ChartSeries("seasonal naive", Enumerable.Range(0, points).Select(i => Co2(i - 12)).ToArray()),
                new ChartSeries("persistence", Enumerable.Range(0, points).Select(i => Co2(i - 1)).ToArray()),
            ]);
    }
}
