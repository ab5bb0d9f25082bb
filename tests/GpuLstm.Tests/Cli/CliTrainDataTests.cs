using System.Globalization;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Cli;

/// <summary>
/// `gpulstm train --data` on bad CSVs fails on one line naming the file, column and line (or the
/// option); `gpulstm predict` without --data continues the series the model was trained on.
/// </summary>
public sealed class CliTrainDataTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Csv(string name, int points, Func<int, string>? cell = null)
    {
        var lines = new List<string> { "day,value" };
        for (int i = 0; i < points; i++)
            lines.Add($"{i + 1},{cell?.Invoke(i) ?? Value(i)}");
        string path = _dir.File(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Value(int i) => (10 + 3 * Math.Sin(i * Math.PI / 6) + 0.01 * i).ToString("R", CultureInfo.InvariantCulture);

    private static CliRun Train(string csv, params string[] more) =>
        CliRun.Of(["train", "--data", csv, "--column", "value", "--quiet", "--epochs", "1", "--units", "4", .. more]);

    [Fact]
    public void HeaderOnlyCsvNamesTheFileAndColumn()
    {
        var run = Train(Csv("header.csv", 0));
        CliFailureTests.AssertFailedOnOneLine(run);
        Assert.Contains("header.csv has a header but no data rows, so column 'value' is empty", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("1e39")]
    [InlineData("-4e38")]
    public void ValuesOutsideFloatRangeNameTheLine(string cell)
    {
        string csv = Csv("big.csv", 300, i => i == 150 ? cell : Value(i));
        var run = Train(csv, "--out", _dir.File("out"));
        CliFailureTests.AssertFailedOnOneLine(run);
        Assert.Contains("big.csv: column 'value', line 152:", run.Error, StringComparison.Ordinal); // header is line 1
        Assert.Contains("outside float's range", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File("out")) && Directory.EnumerateFiles(_dir.File("out")).Any()); // no model written
    }

    [Fact]
    public void WindowNotAboveTheSeasonIsAUsageErrorSayingSo()
    {
        var run = Train(Csv("ok.csv", 741), "--window", "5");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--window 5 must exceed --season 12", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("too few", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TooShortASeriesSaysHowManyPointsAreNeeded()
    {
        var run = Train(Csv("short.csv", 150));
        CliFailureTests.AssertFailedOnOneLine(run);
        Assert.Contains("150 points are too few: --window 24 needs 3 × 24 = 72 training points before --validation 36 and --test 60, 168 in all",
            run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output); // nothing printed before the check
    }

    [Fact]
    public void UnknownColumnListsTheColumnsWithoutAParameterName()
    {
        var run = CliRun.Of("train", "--data", Csv("ok.csv", 10), "--column", "nope");
        CliFailureTests.AssertFailedOnOneLine(run);
        Assert.Contains("no column 'nope'. Available columns: 'day', 'value'.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictWithoutDataContinuesTheTrainedCsvAndSaysWhenItIsGone()
    {
        // A series near 1000, far from CO2's 300-420 ppm: a forecast from the CO2 record would show it.
        string csv = Csv("level.csv", 240, i => (1000 + 3 * Math.Sin(i * Math.PI / 6)).ToString("R", CultureInfo.InvariantCulture));
        string outDir = _dir.File("run");
        var train = Train(csv, "--out", outDir);
        Assert.True(train.ExitCode == 0, train.Error);
        string model = Path.Combine(outDir, "model.safetensors");

        var predict = CliRun.Of("predict", model, "--steps", "2");
        Assert.True(predict.ExitCode == 0, predict.Error);
        string last = (1000 + 3 * Math.Sin(239 * Math.PI / 6)).ToString("F3", CultureInfo.InvariantCulture);
        Assert.Contains($"Last value: {last};", predict.Output, StringComparison.Ordinal);

        File.Delete(csv);
        var gone = CliRun.Of("predict", model);
        CliFailureTests.AssertFailedOnOneLine(gone);
        Assert.Contains("column 'value' of " + Path.GetFullPath(csv), gone.Error, StringComparison.Ordinal);
        Assert.Contains("pass --data FILE.csv --column NAME", gone.Error, StringComparison.Ordinal);
    }
}
