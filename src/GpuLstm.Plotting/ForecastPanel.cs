using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using ScottPlot.TickGenerators.TimeUnits;

namespace GpuLstm.Plotting;

/// <summary>
/// The bottom panel: over the test points, the actual values, the model's one-step forecast and each
/// baseline, against the dates when the series has them and the 1-based test point number otherwise.
/// </summary>
internal static class ForecastPanel
{
    public static void Draw(Plot plot, ForecastChartData data)
    {
        double[] xs = data.Dates is { } dates
            ? dates.Select(d => d.ToOADate()).ToArray() // ScottPlot's date axis works in OLE automation days
            : Enumerable.Range(1, data.Actual.Count).Select(i => (double)i).ToArray();
        float marker = xs.Length == 1 ? 6 : 0; // one test point draws no line segment

        Line(plot, xs, data.Actual, "actual", ChartPalette.Actual, LinePattern.Solid, 2.5f, marker);
        Line(plot, xs, data.Forecast, "LSTM one-step forecast", ChartPalette.Forecast, LinePattern.Solid, 2, marker);
        for (int i = 0; i < data.Baselines.Count; i++)
        {
            var (color, pattern) = ChartPalette.Baseline(i);
            Line(plot, xs, data.Baselines[i].Values, data.Baselines[i].Name, color, pattern, 2, marker);
        }

        plot.Title($"Test set: actual vs one-step forecast ({data.Title})");
        plot.YLabel(data.ValueLabel);
        plot.Axes.AutoScale();
        if (data.Dates is not null)
        {
            var ticks = new DateTimeAutomatic();
            ticks.LabelFormatter = d => DateLabel(d, ticks.TimeUnit);
            plot.Axes.DateTimeTicksBottom().TickGenerator = ticks; // replaces the bottom axis, so label it after
            plot.XLabel("date");
        }
        else
        {
            plot.XLabel("test point");
            plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
            plot.Axes.SetLimitsX(0.5, xs.Length + 0.5); // points are numbered from 1: no tick at 0
        }
    }

    /// <summary>
    /// ISO-style labels as fine as the tick spacing ScottPlot chose, instead of its culture-dependent
    /// defaults: monthly data over years reads "2019-07", not "7/1/2019 12:00:00 AM".
    /// </summary>
    internal static string DateLabel(DateTime date, ITimeUnit? unit) => unit switch
    {
        Year => date.ToString("yyyy", CultureInfo.InvariantCulture),
        Month => date.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        Day => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Hour or Minute => date.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture),
        _ => date.ToString("HH:mm:ss.FFF", CultureInfo.InvariantCulture),
    };

    private static void Line(Plot plot, double[] xs, IReadOnlyList<double> ys, string name, Color color, LinePattern pattern,
        float width, float marker)
    {
        var line = plot.Add.Scatter(xs, PlottedValues.Of(ys), color);
        line.LegendText = name;
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.MarkerSize = marker;
    }
}
