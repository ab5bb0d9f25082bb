using GpuLstm.Datasets;

namespace GpuLstm.Tests.Data;

/// <summary>The embedded Seattle daily weather (vega-datasets 3.2.1 seattle-weather.csv).</summary>
public sealed class SeattleWeatherTests
{
    [Fact]
    public void HasFourYearsOfConsecutiveDays()
    {
        var days = BuiltInDatasets.SeattleWeather();

        Assert.Equal(1461, days.Count);
        Assert.Equal(new SeattleWeatherDay(new DateOnly(2012, 1, 1), 0.0, 12.8, 5.0, 4.7, "drizzle"), days[0]);
        Assert.Equal(new SeattleWeatherDay(new DateOnly(2015, 12, 31), 0.0, 5.6, -2.1, 3.5, "sun"), days[^1]);
        Assert.True(days.Zip(days.Skip(1)).All(p => p.Second.Date == p.First.Date.AddDays(1)), "days not consecutive");
        Assert.All(days, d => Assert.True(d.TempMin <= d.TempMax, $"{d.Date}: min above max"));
    }

    [Fact]
    public void WeatherKindsCountLikeTheFile()
    {
        var counts = BuiltInDatasets.SeattleWeather().GroupBy(d => d.Weather).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["rain"] = 641, ["sun"] = 640, ["fog"] = 101, ["drizzle"] = 53, ["snow"] = 26 }, counts);
        Assert.Contains(BuiltInDatasets.SeattleWeatherFileName, CsvTable.EmbeddedNames());
    }
}
