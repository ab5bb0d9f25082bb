using GpuLstm.IO;
using ScottPlot;
using SkiaSharp;

namespace GpuLstm.Plotting;

/// <summary>The PNG chart <c>gpulstm train</c> writes: loss curves above, forecast vs actual below.</summary>
public static class ForecastChart
{
    /// <summary>
    /// Draws <paramref name="data"/> and writes it to <paramref name="path"/> as a PNG, creating the
    /// directory; the file is replaced in one step, so a reader never sees half a chart.
    /// </summary>
    /// <exception cref="ArgumentException">A member of <paramref name="data"/> is empty or does not match the others in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The image is smaller than 300 x 300 pixels.</exception>
    public static void Save(string path, ForecastChartData data, int width = 1000, int height = 700)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllBytes(path, Render(data, width, height).Png);
    }

    /// <summary>Draws the chart in memory: the two panels stacked, their data areas aligned.</summary>
    internal static RenderedChart Render(ForecastChartData data, int width, int height)
    {
        ForecastChartValidation.Check(data, width, height);
        ChartFont.Register();

        var chart = new Multiplot();
        chart.AddPlots(2);
        var loss = chart.GetPlot(0);
        var forecast = chart.GetPlot(1);
        LossPanel.Draw(loss, data);
        ForecastPanel.Draw(forecast, data);
        foreach (var plot in new[] { loss, forecast })
            Style(plot);

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} drawing surface.");
        chart.Render(surface); // the first render only measures: tick labels and legends decide the margins
        AlignDataAreas([loss, forecast]);
        surface.Canvas.Clear(SKColors.White);
        chart.Render(surface);

        using var image = surface.Snapshot();
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the chart as PNG.");
        return new RenderedChart(encoded.ToArray(), loss.LastRender.DataRect, forecast.LastRender.DataRect);
    }

    /// <summary>
    /// Gives every panel the widest left and right margin any of them needed, so the two data areas
    /// line up although their legends and tick labels differ in width.
    /// </summary>
    private static void AlignDataAreas(Plot[] plots)
    {
        var margins = plots.Select(p => (Figure: p.LastRender.FigureRect, Data: p.LastRender.DataRect)).ToArray();
        float left = margins.Max(m => m.Data.Left - m.Figure.Left);
        float right = margins.Max(m => m.Figure.Right - m.Data.Right);
        for (int i = 0; i < plots.Length; i++)
        {
            var (figure, data) = margins[i];
            plots[i].Layout.Fixed(new PixelPadding(left, right, figure.Bottom - data.Bottom, data.Top - figure.Top));
        }
    }

    private static void Style(Plot plot)
    {
        plot.Font.Set(ChartFont.Name);
        plot.Legend.FontName = ChartFont.Name;
        plot.Legend.SetBestFontOnEachRender = false; // it would swap in an installed font
        // Outside the data area, right of it, so no line is ever hidden behind the legend.
        plot.ShowLegend(Edge.Right);
    }
}
