using System.Globalization;
using GpuLstm.Datasets;

namespace GpuLstm.Tests.Data;

/// <summary>The shipped CO2 record against the CSV file in the repository, read here without CsvTable.</summary>
public sealed class DatasetsTests
{
    [Fact]
    public void Co2HasEveryRowOfTheFileInOrder()
    {
        var co2 = BuiltInDatasets.Co2();
        var dates = BuiltInDatasets.Co2Dates();

        Assert.Equal(741, co2.Length);
        Assert.Equal(co2.Length, dates.Count);
        Assert.Equal(315.70, co2[0]);
        Assert.Equal(416.18, co2[^1]);
        Assert.Equal("1958-03-01", dates[0]);
        Assert.Equal("2020-04-01", dates[^1]);
        Assert.All(co2, v => Assert.InRange(v, 300, 430));
        Assert.True(dates.Zip(dates.Skip(1)).All(p => string.CompareOrdinal(p.First, p.Second) < 0), "dates not increasing");
    }

    [Fact]
    public void Co2MatchesTheRepositoryFileLineByLine()
    {
        string path = FindRepositoryFile("src/GpuLstm.Datasets/BuiltIn/co2-concentration.csv");
        // The file has no quoting, so a plain split is an independent check of the parser.
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        Assert.Equal("Date,CO2,adjusted CO2", lines[0]);
        var expected = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected, BuiltInDatasets.Co2());
        Assert.Equal(lines.Skip(1).Select(l => l.Split(',')[0]), BuiltInDatasets.Co2Dates());
    }

    [Fact]
    public void Co2ReturnsAFreshCopy()
    {
        var first = BuiltInDatasets.Co2();
        first[0] = -1;
        Assert.Equal(315.70, BuiltInDatasets.Co2()[0]);
    }

    [Fact]
    public void AttributionFileNamesSourceAndLicense()
    {
        string text = File.ReadAllText(FindRepositoryFile("src/GpuLstm.Datasets/BuiltIn/ATTRIBUTION.md"));
        Assert.Contains("vega-datasets@3.2.1", text);
        Assert.Contains("CC BY 4.0", text);
        Assert.Contains("Scripps", text);
    }

    private static string FindRepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}.");
    }
}
