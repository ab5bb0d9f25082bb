using ScottPlot;
using ScottPlot.TickGenerators;

namespace GpuLstm.Plotting;

/// <summary>The top panel: training and validation loss against the 1-based epoch number.</summary>
internal static class LossPanel
{
    /// <summary>Up to this many epochs each one gets a marker, so a run of one or two epochs still shows points.</summary>
    private const int MarkedEpochs = 30;

    public static void Draw(Plot plot, ForecastChartData data)
    {
        int epochs = data.TrainLoss.Count;
        double[] xs = Enumerable.Range(1, epochs).Select(e => (double)e).ToArray();
        float marker = epochs <= MarkedEpochs ? 5 : 0;

        Line(plot, xs, data.TrainLoss, "training", ChartPalette.Train, marker);
        if (data.ValidationLoss.Count > 0)
            Line(plot, xs, data.ValidationLoss, "validation", ChartPalette.Validation, marker);

        plot.Title($"Loss per epoch ({data.LossLabel})");
        plot.XLabel("epoch");
        plot.YLabel($"loss ({data.LossLabel})");
        // Epochs are counted from 1 and only whole epochs exist: no "0" or "2.5" ticks.
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.AutoScale(); // the loss range from the data, then the epochs with half an epoch either side
        plot.Axes.SetLimitsX(0.5, epochs + 0.5);
    }

    private static void Line(Plot plot, double[] xs, IReadOnlyList<double> ys, string name, Color color, float marker)
    {
        var line = plot.Add.Scatter(xs, PlottedValues.Of(ys), color);
        line.LegendText = name;
        line.LineWidth = 2;
        line.MarkerSize = marker;
    }
}
