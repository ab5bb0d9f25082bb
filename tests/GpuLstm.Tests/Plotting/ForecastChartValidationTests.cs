using GpuLstm.Plotting;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Plotting;

/// <summary>Data the chart cannot draw truthfully is refused up front, naming the member, and nothing is written.</summary>
public sealed class ForecastChartValidationTests
{
    private static readonly ForecastChartData Good = SampleChartData.Create(withDates: true, points: 24, epochs: 5);

    public static TheoryData<string, ForecastChartData> BadData() => new()
    {
        { "Forecast", Good with { Forecast = Good.Forecast.Take(23).ToArray() } },
        { "Dates", Good with { Dates = Good.Dates!.Skip(1).ToArray() } },
        { "TrainLoss", Good with { TrainLoss = [], ValidationLoss = [] } },
        { "ValidationLoss", Good with { ValidationLoss = [0.5, 0.4] } },
        { "Actual", Good with { Actual = [], Forecast = [], Dates = [], Baselines = [] } },
        { "Baselines[1] ('persistence')", Good with { Baselines = [Good.Baselines[0], new ChartSeries("persistence", [1, 2, 3])] } },
        { "Baselines[0].Name", Good with { Baselines = [new ChartSeries(" ", Good.Actual)] } },
    };

    [Theory]
    [MemberData(nameof(BadData))]
    public void MismatchedOrEmptyMembersAreArgumentExceptionsNamingTheMember(string member, ForecastChartData data)
    {
        using var dir = new TempDirectory();
        string path = dir.File("forecast.png");

        var e = Assert.Throws<ArgumentException>(() => ForecastChart.Save(path, data));

        Assert.Equal("data", e.ParamName);
        Assert.Contains($"ForecastChartData.{member} ", e.Message, StringComparison.Ordinal);
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public void NoValidationLossIsAllowed()
    {
        var image = ChartImage.Decode(ForecastChart.Render(Good with { ValidationLoss = [] }, 600, 400).Png);
        Assert.Equal(0, image.Count(ChartPalette.Validation));
    }

    [Fact]
    public void TooSmallAnImageOrNoPathIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ForecastChart.Render(Good, 100, 700));
        Assert.Throws<ArgumentOutOfRangeException>(() => ForecastChart.Render(Good, 1000, 299));
        Assert.Throws<ArgumentException>(() => ForecastChart.Save(" ", Good));
        Assert.Throws<ArgumentNullException>(() => ForecastChart.Save("chart.png", null!));
    }
}
