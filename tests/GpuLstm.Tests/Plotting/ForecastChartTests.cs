using GpuLstm.Plotting;
using GpuLstm.Tests.IO;
using ScottPlot.TickGenerators.TimeUnits;
using SkiaSharp;

namespace GpuLstm.Tests.Plotting;

/// <summary>The ScottPlot chart of <c>gpulstm train</c>: a real PNG, every series and its text drawn, written atomically.</summary>
public sealed class ForecastChartTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveWritesAPngOfTheRequestedSize(bool withDates)
    {
        using var dir = new TempDirectory();
        string path = dir.File("forecast.png");
        ForecastChart.Save(path, SampleChartData.Create(withDates), 900, 640);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(PngSignature));
        var image = ChartImage.Decode(bytes);
        Assert.Equal(SKEncodedImageFormat.Png, image.Format);
        Assert.Equal(900, image.Width);
        Assert.Equal(640, image.Height);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EverySeriesIsDrawnInItsOwnColourOnAWhiteBackground(bool withDates)
    {
        var image = ChartImage.Decode(ForecastChart.Render(SampleChartData.Create(withDates), 1000, 700).Png);

        Assert.True(image.Count(ScottPlot.Colors.White, tolerance: 0) > image.Width * image.Height / 2, "background should be mostly white");
        var series = new (string Name, ScottPlot.Color Color)[]
        {
            ("training", ChartPalette.Train), ("validation", ChartPalette.Validation), ("forecast", ChartPalette.Forecast),
            ("seasonal naive", ChartPalette.Baseline(0).Color), ("persistence", ChartPalette.Baseline(1).Color),
        };
        foreach (var (name, color) in series)
            Assert.True(image.Count(color) > 150, $"too few pixels of {name} ({color.ToHex()}): {image.Count(color)}");
    }

    [Fact]
    public void TheTwoPanelsAreStackedWithAlignedDataAreasAndTheLossOnTop()
    {
        var chart = ForecastChart.Render(SampleChartData.Create(withDates: true), 1000, 700);
        var image = ChartImage.Decode(chart.Png);
        var (loss, forecast) = (chart.LossArea, chart.ForecastArea);

        Assert.True(loss.Bottom < forecast.Top, $"loss panel {loss} should be above the forecast panel {forecast}");
        Assert.Equal(loss.Left, forecast.Left);
        Assert.Equal(loss.Right, forecast.Right);
        // The loss curves are in the top data area, the forecast in the bottom one.
        Assert.True(image.Count(ChartPalette.Train, (int)loss.Left, (int)loss.Top, (int)loss.Right, (int)loss.Bottom) > 150);
        Assert.True(image.Count(ChartPalette.Forecast, (int)forecast.Left, (int)forecast.Top, (int)forecast.Right, (int)forecast.Bottom) > 150);
    }

    [Fact]
    public void LegendsAreOutsideTheDataAreas()
    {
        var chart = ForecastChart.Render(SampleChartData.Create(withDates: false), 1000, 700);
        var image = ChartImage.Decode(chart.Png);

        // Right of each data area: the legend's line samples (and its text) and nothing else.
        int lossLegendValidation = image.Count(ChartPalette.Validation, (int)chart.LossArea.Right + 2, 0, image.Width, (int)chart.ForecastArea.Top);
        int forecastLegendPersistence = image.Count(ChartPalette.Baseline(1).Color, (int)chart.ForecastArea.Right + 2, (int)chart.ForecastArea.Top, image.Width, image.Height);
        Assert.True(lossLegendValidation > 10, $"no validation legend entry right of the loss panel ({lossLegendValidation} px)");
        Assert.True(forecastLegendPersistence > 3, $"no persistence legend entry right of the forecast panel ({forecastLegendPersistence} px)");
        Assert.True(image.CountDark((int)chart.ForecastArea.Right + 2, (int)chart.ForecastArea.Top, image.Width, (int)chart.ForecastArea.Bottom) > 200,
            "no legend text right of the forecast panel");
    }

    [Fact]
    public void TitlesAndAxisLabelsHaveText()
    {
        // A font Skia cannot find draws nothing and raises nothing; this is the check that text is there.
        var chart = ForecastChart.Render(SampleChartData.Create(withDates: true), 1000, 700);
        var image = ChartImage.Decode(chart.Png);
        var (loss, forecast) = (chart.LossArea, chart.ForecastArea);

        Assert.True(image.CountDark((int)loss.Left, 0, (int)loss.Right, (int)loss.Top - 2) > 150, "no loss panel title");
        Assert.True(image.CountDark(0, (int)forecast.Top, (int)forecast.Left - 30, (int)forecast.Bottom) > 150, "no value axis label or ticks");
        Assert.True(image.CountDark((int)forecast.Left, (int)forecast.Bottom + 6, (int)forecast.Right, image.Height) > 150, "no date ticks or label");
    }

    [Fact]
    public void TheBundledFontIsWhatScottPlotResolves()
    {
        ChartFont.Register();
        ChartFont.Register(); // registering twice keeps one resolver

        var typeface = ScottPlot.Fonts.GetTypeface(ChartFont.Name, false, false);
        Assert.Equal("DejaVu Sans", typeface.FamilyName);
        Assert.True(typeface.ContainsGlyphs("CO2 (ppm) epoch 0123456789 µ°²"));
        Assert.Single(ScottPlot.Fonts.FontResolvers, r => r.GetType().DeclaringType == typeof(ChartFont));
    }

    [Fact]
    public void DatesAndTestPointNumbersDrawDifferentXAxes()
    {
        byte[] dates = ForecastChart.Render(SampleChartData.Create(withDates: true), 800, 600).Png;
        byte[] numbers = ForecastChart.Render(SampleChartData.Create(withDates: false), 800, 600).Png;
        Assert.NotEqual(dates, numbers);
    }

    [Fact]
    public void DateTicksAreIsoLabelsAsFineAsTheirSpacing()
    {
        var date = new DateTime(2019, 7, 1, 13, 45, 0);
        Assert.Equal("2019", ForecastPanel.DateLabel(date, new Year()));
        Assert.Equal("2019-07", ForecastPanel.DateLabel(date, new Month()));
        Assert.Equal("2019-07-01", ForecastPanel.DateLabel(date, new Day()));
        Assert.Equal("07-01 13:45", ForecastPanel.DateLabel(date, new Hour()));
    }

    [Fact]
    public void SaveReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "runs", "co2", "forecast.png"); // the directories do not exist yet
        ForecastChart.Save(path, SampleChartData.Create(withDates: true, epochs: 3));
        File.WriteAllText(path, "an older chart");

        ForecastChart.Save(path, SampleChartData.Create(withDates: false));

        Assert.Equal(1000, ChartImage.Load(path).Width);
        Assert.Equal(["forecast.png"], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void OneEpochAndOneTestPointStillShowTheirPoints()
    {
        var one = SampleChartData.Create(withDates: true, points: 1, epochs: 1);
        var image = ChartImage.Decode(ForecastChart.Render(one, 600, 400).Png);
        Assert.True(image.Count(ChartPalette.Train) > 10);
        Assert.True(image.Count(ChartPalette.Forecast) > 10);
    }

    [Fact]
    public void InfiniteOrNaNLossLeavesAGapInsteadOfBreakingThePanel()
    {
        Assert.Equal([1, double.NaN, double.NaN, double.NaN], PlottedValues.Of([1, double.PositiveInfinity, double.NegativeInfinity, double.NaN]));
        var diverged = SampleChartData.Create(withDates: false, epochs: 40) with
        {
            TrainLoss = [.. Enumerable.Range(1, 40).Select(e => e == 20 ? double.PositiveInfinity : 1.0 / e)],
            ValidationLoss = [.. Enumerable.Range(1, 40).Select(e => e == 21 ? double.NaN : 1.5 / e)],
        };
        var chart = ForecastChart.Render(diverged, 1000, 700);
        var image = ChartImage.Decode(chart.Png);
        var loss = chart.LossArea;
        Assert.True(image.Count(ChartPalette.Train, (int)loss.Left, (int)loss.Top, (int)loss.Right, (int)loss.Bottom) > 150);
        Assert.True(image.Count(ChartPalette.Validation, (int)loss.Left, (int)loss.Top, (int)loss.Right, (int)loss.Bottom) > 150);
    }
}
