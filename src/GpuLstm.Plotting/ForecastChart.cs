namespace GpuLstm.Plotting;

/// <summary>The PNG chart <c>gpulstm train</c> writes: loss curves above, forecast vs actual below.</summary>
public static class ForecastChart
{
    public static void Save(string path, ForecastChartData data, int width = 1000, int height = 700)
    {
        var plot = new PngPlot(width, height);
        var loss = plot.AddPanel($"Training loss ({data.LossLabel})", "epoch", "loss");
        loss.AddLine("train", data.TrainLoss, PlotColor.Blue);
        loss.AddLine("validation", data.ValidationLoss, PlotColor.Orange);
        var test = plot.AddPanel($"Test: forecast vs actual ({data.Title})", "test point", data.ValueLabel);
        test.AddLine("actual", data.Actual, PlotColor.Blue);
        test.AddLine("LSTM one-step forecast", data.Forecast, PlotColor.Orange);
        var colors = new[] { PlotColor.Green, PlotColor.Gray };
        for (int i = 0; i < data.Baselines.Count; i++)
            test.AddLine(data.Baselines[i].Name, data.Baselines[i].Values, colors[i % colors.Length]);
        plot.Save(path);
    }
}
