using System.CommandLine;
using System.Globalization;
using GpuLstm.Cli.Json;
using GpuLstm.Cli.Parsing;
using GpuLstm.Device;
using GpuLstm.Distributed;
using GpuLstm.Mpi;
using GpuLstm.Plotting;
using GpuLstm.Samples;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm train</c>, the main job: a forecasting LSTM on the monthly Mauna Loa CO2 record shipped
/// in the library (or a user's CSV column), tested on the last years next to seasonal-naive and
/// persistence baselines; writes the model, a metrics JSON and a PNG of loss and forecast.
/// </summary>
public static class TrainCommand
{
    private const string Details = """
        Trains an LSTM to forecast the next value of a series from the previous --window values and
        tests it, one step ahead, on the last --test points, next to a seasonal-naive baseline (the
        value --season points earlier) and persistence (the previous value).
        Without --data it uses the monthly Mauna Loa CO2 record (1958-2020, Scripps CO2 Program,
        CC BY 4.0, via vega-datasets 3.2.1), holding out its last five years.
        Writes DIR/model.safetensors, DIR/metrics.json (or --json PATH) and DIR/forecast.png
        (default DIR: gpulstm-runs/co2, or gpulstm-runs/<column>).
        """;

    public static Command Create()
    {
        var data = CliOptions.ExistingFile("--data", "a CSV file to train on instead of the built-in CO2 record", "FILE.csv");
        var column = CliOptions.Text("--column", "the numeric column of --data to forecast", "NAME");
        var dateColumn = CliOptions.Text("--date-column", "the column of --data that labels each point (dates draw a time axis)", "NAME");
        var outDir = CliOptions.Text("--out", "the output folder [default: gpulstm-runs/co2 or gpulstm-runs/<column>]", "DIR");
        var json = CliOptions.Text("--json", "where to write the metrics [default: DIR/metrics.json]", "PATH");
        var window = CliOptions.Int("--window", "past points the LSTM sees (must exceed --season)", 24, min: 2);
        var season = CliOptions.Int("--season", "the seasonal-naive lag (12 for monthly data)", 12);
        var test = CliOptions.Int("--test", "last points held out for the test", 60);
        var validation = CliOptions.Int("--validation", "points before the test used for validation", 36);
        var units = CliOptions.Int("--units", "LSTM units", 32);
        var epochs = CliOptions.Int("--epochs", "training epochs", 80);
        var batch = CliOptions.Int("--batch", "batch size", 32);
        var lr = CliOptions.PositiveFloat("--lr", "Adam's learning rate", 0.003f);
        var seed = CliOptions.Int("--seed", "seed of the weights and shuffling", 0, min: 0);
        var quiet = CliOptions.Flag("--quiet", "no per-epoch progress");
        var distributed = CliOptions.Flag("--distributed",
            "train data parallel over MPI: start as `mpiexec.mpich -n N gpulstm train --distributed ...` (MPICH); every rank " +
            "trains on its share of each batch, rank 0 prints and writes the outputs");
        var command = new DetailedCommand("train",
            "train a forecasting LSTM on the built-in CO2 record (or --data/--column), tested beside seasonal-naive and persistence",
            Details)
        {
            data, column, dateColumn, outDir, json, window, season, test, validation, units, epochs, batch, lr, seed, quiet, distributed,
        };
        CliOptions.Requires(command, data, column, "(the numeric column to forecast)");
        CliOptions.Requires(command, column, data, "FILE.csv (the built-in CO2 series has one column)");
        CliOptions.Requires(command, dateColumn, data, "FILE.csv (the built-in CO2 series is dated already)");
        command.SetAction(p =>
        {
            var output = p.InvocationConfiguration.Output;
            // Checked here, not in a validator: there the defaults of absent options read as 0.
            if (p.GetValue(window) is var w && p.GetValue(season) is var s && w <= s)
                return Program.UsageError(p, $"--window {w} must exceed --season {s}: the LSTM sees the value one season back only if the window reaches it.");
            int Train(ICommunicator? comm)
            {
                // Rank 0 alone prints and writes; the others train silently beside it.
                var shown = DistributedRun.Shown(output, comm);
                var series = p.GetValue(data) is { } path
                    ? TrainSeries.FromCsv(path, p.GetValue(column)!, p.GetValue(dateColumn), shown)
                    : TrainSeries.BuiltInCo2();
                var options = new ForecastOptions
                {
                    Window = p.GetValue(window), Season = p.GetValue(season), TestCount = p.GetValue(test),
                    ValidationCount = p.GetValue(validation), Units = p.GetValue(units), Epochs = p.GetValue(epochs),
                    BatchSize = p.GetValue(batch), LearningRate = p.GetValue(lr), Seed = p.GetValue(seed),
                };
                string dir = p.GetValue(outDir) ?? Path.Combine("gpulstm-runs", series.Column == "CO2" ? "co2" : Sanitize(series.Column));
                return Run(shown, series, options, dir, p.GetValue(json), p.GetValue(quiet), comm);
            }
            return p.GetValue(distributed) ? DistributedRun.Run(p.InvocationConfiguration.Error, "gpulstm train --distributed", Train) : Train(null);
        });
        return command;
    }

    /// <summary>Trains and tests on <paramref name="series"/>; writes the model, metrics and chart into <paramref name="outDir"/>.</summary>
    /// <param name="comm">data parallel over these ranks (null: one process); only rank 0 writes files</param>
    public static int Run(TextWriter output, TrainSeries series, ForecastOptions options, string outDir, string? jsonPath, bool quiet,
        ICommunicator? comm = null)
    {
        CheckLength(series, options);
        bool writes = comm is null || comm.Rank == 0;
        if (writes)
            Directory.CreateDirectory(outDir);
        // Each rank of a machine drives its own GPU (local rank); CPU ranks split the cores.
        using var device = ComputeDevice.Create(options: comm is null ? null : MpiCommunicator.DeviceOptions());
        output.WriteLine($"Data: {series.Source}, column '{series.Column}', {series.Values.Length} points ({series.Labels[0]} .. {series.Labels[^1]})");
        output.WriteLine($"Device: {device}   GEMM: {device.GemmEngineName}{BenchCommand.RecurrenceNote(device)}");
        if (comm is not null)
            output.WriteLine($"Data parallel over {comm.Size} MPI ranks: each trains on its share of every batch of {options.BatchSize}; " +
                "gradients are all-reduced through host memory once per step.");
        var (model, report) = SeriesForecaster.Train(series.Values, options, device, output, verbose: quiet ? 0 : 1, comm);
        using (model)
        {
            if (comm is not null && !model.WeightsAgreeAcrossRanks())
                throw new InvalidOperationException($"the {comm.Size} ranks ended with different weights; this is a bug in data-parallel training.");
            if (!writes)
                return 0;
            model.Summary(output);
            string modelPath = Path.Combine(outDir, "model.safetensors");
            // A full path, so `predict MODEL` finds the CSV again from any folder.
            string source = series.Source == TrainSeries.BuiltInSource ? series.Source : Path.GetFullPath(series.Source);
            var settings = new ForecastSettings(options.Window, report.Scale, series.Column, source);
            model.Save(modelPath, new Dictionary<string, string> { [ForecastSettings.MetadataKey] = CliJson.Serialize(settings) });
            string metricsPath = jsonPath ?? Path.Combine(outDir, "metrics.json");
            string plotPath = Path.Combine(outDir, "forecast.png");
            CliJson.Write(metricsPath, Metrics(report, options, device, series, comm?.Size ?? 1));
            ForecastChart.Save(plotPath, Chart(report, series));
            PrintReport(output, report, options, series.Labels);
            output.WriteLine($"Wrote {modelPath}, {metricsPath}, {plotPath}");
        }
        return 0;
    }

    // The forecaster trains on windows whose targets start one window in, and needs two windows of them.
    private static void CheckLength(TrainSeries series, ForecastOptions o)
    {
        int needed = 3 * o.Window + o.ValidationCount + o.TestCount;
        if (series.Values.Length < needed)
            throw new ArgumentException(
                $"{series.Source}: {series.Values.Length} points are too few: --window {o.Window} needs 3 × {o.Window} = {3 * o.Window} " +
                $"training points before --validation {o.ValidationCount} and --test {o.TestCount}, {needed} in all; " +
                "pass a smaller --window, --validation or --test.");
    }

    private static TrainMetrics Metrics(ForecastReport r, ForecastOptions o, ComputeDevice device, TrainSeries s, int worldSize) => new(
        s.Source, s.Column, s.Labels.Count, s.Labels[r.TestStart], s.Labels[^1], o.TestCount, device.ToString(), worldSize, r.Seconds, o,
        new TestError(r.Mae, r.Rmse), new LaggedTestError(r.SeasonalNaiveMae, r.SeasonalNaiveRmse, o.Season),
        new TestError(r.PersistenceMae, r.PersistenceRmse), r.Mae < r.SeasonalNaiveMae, r.History.Values);

    private static ForecastChartData Chart(ForecastReport r, TrainSeries s)
    {
        var testDates = s.Dates is null ? null : s.Dates.Skip(r.TestStart).Take(r.Actual.Length).ToList();
        return new ForecastChartData(s.Column == "CO2" ? "Mauna Loa CO2" : s.Column, "scaled MSE", r.History["loss"], r.History["val_loss"],
            s.ValueLabel, testDates, r.Actual, r.Forecast,
            [new ChartSeries("seasonal naive", r.SeasonalNaive), new ChartSeries("persistence", r.Persistence)]);
    }

    private static void PrintReport(TextWriter output, ForecastReport r, ForecastOptions o, IReadOnlyList<string> labels)
    {
        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        output.WriteLine();
        output.WriteLine($"Test: last {o.TestCount} points ({labels[r.TestStart]} .. {labels[^1]}), one step ahead");
        output.WriteLine($"  {"model",-28} {"MAE",9} {"RMSE",9}");
        output.WriteLine($"  {"LSTM",-28} {F(r.Mae),9} {F(r.Rmse),9}");
        output.WriteLine($"  {$"seasonal naive (lag {o.Season})",-28} {F(r.SeasonalNaiveMae),9} {F(r.SeasonalNaiveRmse),9}");
        output.WriteLine($"  {"persistence (lag 1)",-28} {F(r.PersistenceMae),9} {F(r.PersistenceRmse),9}");
        string seconds = r.Seconds.ToString("F1", CultureInfo.InvariantCulture);
        output.WriteLine(r.Mae < r.SeasonalNaiveMae
            ? $"LSTM beats seasonal naive: MAE {F(r.Mae)} vs {F(r.SeasonalNaiveMae)} ({(r.SeasonalNaiveMae / r.Mae).ToString("F1", CultureInfo.InvariantCulture)}x lower). Trained in {seconds} s."
            : $"LSTM does NOT beat seasonal naive: MAE {F(r.Mae)} vs {F(r.SeasonalNaiveMae)}. Trained in {seconds} s.");
    }

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));
}
