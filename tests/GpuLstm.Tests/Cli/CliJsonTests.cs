using System.Text.Json;
using GpuLstm.Cli.Json;
using GpuLstm.Samples;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Cli;

/// <summary>
/// Everything `gpulstm` writes as JSON uses one naming policy, snake_case. The bench keys are read by
/// benchmarks/compare.py and benchmarks/gpu/report.py, so they are pinned exactly.
/// </summary>
public sealed class CliJsonTests
{
    private static readonly string[] BenchKeys = ["tool", "device", "device_kind", "gemm", "gemm_library", "tf32", "date_utc", "results"];

    private static readonly string[] BenchResultKeys =
        ["name", "batch", "steps", "inputs", "hidden", "ms_per_step", "ms_mean", "timed_steps", "launches_per_step",
         "allocations_per_step", "transfers_per_step", "memory_high_water_mb"];

    [Fact]
    public void BenchJsonHasTheScriptsKeysAndRoundTrips()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bench.json");
        var run = CliRun.Of("bench", "--shapes", "small", "--steps", "1", "--warmup", "0", "--json", path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal([Path.GetFileName(path)], dir.Entries()); // written atomically: no temp file left beside it

        string json = File.ReadAllText(path);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(BenchKeys, doc.RootElement.EnumerateObject().Select(p => p.Name));
        var result = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal(BenchResultKeys, result.EnumerateObject().Select(p => p.Name));

        var report = CliJson.Deserialize<BenchReport>(json, "bench JSON");
        Assert.Equal("gpulstm", report.Tool);
        var small = Assert.Single(report.Results);
        Assert.Equal(("B32_T10_I50_H128", 32, 10, 50, 128, 1), (small.Name, small.Batch, small.Steps, small.Inputs, small.Hidden, small.TimedSteps));
        Assert.True(small.MsPerStep > 0 && small.LaunchesPerStep > 0);
        Assert.Equal(json, CliJson.Serialize(report) + "\n");
    }

    [Fact]
    public void TrainMetricsAreAllSnakeCaseAndPredictReadsTheModel()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("train", "--epochs", "2", "--units", "8", "--quiet", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["forecast.png", "metrics.json", "model.safetensors"], dir.Entries());

        string json = File.ReadAllText(dir.File("metrics.json"));
        JsonKeys.AssertSnakeCase(json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(60, doc.RootElement.GetProperty("options").GetProperty("test_count").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("history").GetProperty("loss").GetArrayLength());
        var metrics = CliJson.Deserialize<TrainMetrics>(json, "metrics.json");
        Assert.Equal(("CO2", 8, 2, 12), (metrics.Column, metrics.Options.Units, metrics.Options.Epochs, metrics.SeasonalNaive.Lag));

        var predict = CliRun.Of("predict", dir.File("model.safetensors"), "--steps", "2");
        Assert.True(predict.ExitCode == 0, predict.Error);
        Assert.Contains("+2", predict.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleResultIsSnakeCase()
    {
        var result = new ExampleResult("forecast", "LSTM(32)", [new ExampleMetric("CO2 MAE", 0.5, 1.5, "seasonal naive", HigherIsBetter: false)],
            12.5, "cpu", new Dictionary<string, double> { ["FirstLoss"] = 1, ["last_loss"] = 0.1 });
        string json = CliJson.Serialize(result);
        JsonKeys.AssertSnakeCase(json);
        Assert.Contains("\"baseline_name\"", json, StringComparison.Ordinal);
        Assert.Contains("\"first_loss\"", json, StringComparison.Ordinal);
    }
}
