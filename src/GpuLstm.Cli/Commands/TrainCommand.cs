using GpuLstm.Codegen;
using GpuLstm.Plotting;
using GpuLstm.Samples;
using System.Globalization;
using System.Text.Json;
using GpuLstm.Datasets;
using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Models;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm train</c>, the main job: a forecasting LSTM on the monthly Mauna Loa CO2 record shipped
/// in the library (or a user's CSV column), tested on the last years next to seasonal-naive and
/// persistence baselines; writes the model, a metrics JSON and a PNG of loss and forecast.
/// </summary>
public static class TrainCommand
{
    private const string Usage = """
        Usage: gpulstm train [--data FILE.csv --column NAME [--date-column NAME]] [--out DIR] [--json PATH]
                             [--window N] [--season N] [--test N] [--validation N] [--units N]
                             [--epochs N] [--batch N] [--lr X] [--seed N] [--quiet]

        Trains an LSTM to forecast the next value of a series from the previous --window values
        (default 24) and tests it, one step ahead, on the last --test points (default 60), next to a
        seasonal-naive baseline (the value --season points earlier, default 12) and persistence.
        Without --data it uses the monthly Mauna Loa CO2 record (1958-2020, Scripps CO2 Program,
        CC BY 4.0, via vega-datasets 3.2.1), holding out its last five years.
        Writes DIR/model.safetensors, DIR/metrics.json (or --json PATH) and DIR/forecast.png
        (default DIR: gpulstm-runs/co2, or gpulstm-runs/<column>).
        """;

    private static readonly string[] ValueOptions =
        ["--data", "--column", "--date-column", "--out", "--json", "--window", "--season", "--test", "--validation",
         "--units", "--epochs", "--batch", "--lr", "--seed"];

    public static int Run(string[] argv)
    {
        var args = new CliArgs(argv, ValueOptions, ["--quiet"], "train");
        if (args.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args.Positional.Count > 0)
            throw new ArgumentException($"train takes options only, got '{args.Positional[0]}'.");
        var (series, dates, source, column) = LoadSeries(args);
        var options = new ForecastOptions
        {
            Window = args.Int("--window", 24, 2), Season = args.Int("--season", 12), TestCount = args.Int("--test", 60),
            ValidationCount = args.Int("--validation", 36), Units = args.Int("--units", 32), Epochs = args.Int("--epochs", 80),
            BatchSize = args.Int("--batch", 32), LearningRate = args.Float("--lr", 0.003f), Seed = args.Int("--seed", 0, 0),
        };
        string outDir = args.Text("--out") ?? Path.Combine("gpulstm-runs", column == "CO2" ? "co2" : Sanitize(column));
        Directory.CreateDirectory(outDir);
        bool quiet = args.Flag("--quiet");

        using var device = ComputeDevice.Create();
        Console.WriteLine($"Data: {source}, column '{column}', {series.Length} points ({dates[0]} .. {dates[^1]})");
        Console.WriteLine($"Device: {device}   GEMM: {device.GemmEngineName}");
        var (model, report) = SeriesForecaster.Train(series, options, device, Console.Out, verbose: quiet ? 0 : 1);
        using (model)
        {
            model.Summary();
            string modelPath = Path.Combine(outDir, "model.safetensors");
            model.Save(modelPath, new Dictionary<string, string>
            {
                ["gpulstm.forecast"] = JsonSerializer.Serialize(new { window = options.Window, scale = report.Scale, column, source }),
            });
            string jsonPath = args.Text("--json") ?? Path.Combine(outDir, "metrics.json");
            string plotPath = Path.Combine(outDir, "forecast.png");
            WriteMetrics(jsonPath, report, options, device, source, column, dates);
            Plot(plotPath, report, column);
            PrintReport(report, options, dates);
            Console.WriteLine($"Wrote {modelPath}, {jsonPath}, {plotPath}");
        }
        return 0;
    }

    private static (double[] Series, IReadOnlyList<string> Dates, string Source, string Column) LoadSeries(CliArgs args)
    {
        string? data = args.Text("--data");
        if (data is null)
        {
            if (args.Text("--column") is not null)
                throw new ArgumentException("--column needs --data FILE.csv (the built-in CO2 series has one column).");
            return (BuiltInDatasets.Co2(), BuiltInDatasets.Co2Dates(), "Mauna Loa CO2 monthly (built in)", "CO2");
        }
        string column = args.Text("--column") ?? throw new ArgumentException("--data needs --column NAME.");
        if (!File.Exists(data))
            throw new ArgumentException($"--data: no file '{data}'.");
        var table = CsvTable.Load(data);
        var values = table.NumericColumn(column);
        string? dateColumn = args.Text("--date-column");
        var dates = dateColumn is null
            ? Enumerable.Range(1, values.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList()
            : table.Column(dateColumn);
        return (values, dates, data, column);
    }

    private static void PrintReport(ForecastReport r, ForecastOptions o, IReadOnlyList<string> dates)
    {
        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"Test: last {o.TestCount} points ({dates[r.TestStart]} .. {dates[^1]}), one step ahead");
        Console.WriteLine($"  {"model",-28} {"MAE",9} {"RMSE",9}");
        Console.WriteLine($"  {"LSTM",-28} {F(r.Mae),9} {F(r.Rmse),9}");
        Console.WriteLine($"  {$"seasonal naive (lag {o.Season})",-28} {F(r.SeasonalNaiveMae),9} {F(r.SeasonalNaiveRmse),9}");
        Console.WriteLine($"  {"persistence (lag 1)",-28} {F(r.PersistenceMae),9} {F(r.PersistenceRmse),9}");
        Console.WriteLine(r.Mae < r.SeasonalNaiveMae
            ? $"LSTM beats seasonal naive: MAE {F(r.Mae)} vs {F(r.SeasonalNaiveMae)} ({r.SeasonalNaiveMae / r.Mae:F1}x lower). Trained in {r.Seconds:F1} s."
            : $"LSTM does NOT beat seasonal naive: MAE {F(r.Mae)} vs {F(r.SeasonalNaiveMae)}. Trained in {r.Seconds:F1} s.");
    }

    private static void WriteMetrics(string path, ForecastReport r, ForecastOptions o, ComputeDevice device, string source,
        string column, IReadOnlyList<string> dates)
    {
        var doc = new Dictionary<string, object>
        {
            ["data"] = source, ["column"] = column, ["points"] = dates.Count,
            ["test_start"] = dates[r.TestStart], ["test_end"] = dates[^1], ["test_points"] = o.TestCount,
            ["device"] = device.ToString(), ["seconds"] = r.Seconds, ["options"] = o,
            ["lstm"] = new { mae = r.Mae, rmse = r.Rmse },
            ["seasonal_naive"] = new { mae = r.SeasonalNaiveMae, rmse = r.SeasonalNaiveRmse, lag = o.Season },
            ["persistence"] = new { mae = r.PersistenceMae, rmse = r.PersistenceRmse },
            ["beats_seasonal_naive"] = r.Mae < r.SeasonalNaiveMae,
            ["history"] = r.History.Values,
        };
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }

    private static void Plot(string path, ForecastReport r, string column)
    {
        var data = new ForecastChartData(column, "scaled MSE", r.History["loss"], r.History["val_loss"], column, Dates: null,
            r.Actual, r.Forecast, [new ChartSeries("seasonal naive", r.SeasonalNaive), new ChartSeries("persistence", r.Persistence)]);
        ForecastChart.Save(path, data);
    }

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));
}
