using GpuLstm.Codegen;
using GpuLstm.Plotting;
using GpuLstm.Samples;
using System.Globalization;
using System.Text.Json;
using GpuLstm.Datasets;
using GpuLstm.Device;
using GpuLstm.Models;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm predict MODEL</c>: the next values of the series a `gpulstm train` model was trained on (or another).</summary>
public static class PredictCommand
{
    private const string Usage = """
        Usage: gpulstm predict MODEL [--steps N] [--data FILE.csv --column NAME]

        Loads a model written by `gpulstm train` and forecasts the next N values (default 12) after
        the end of its series: the built-in CO2 record, or --data/--column. Each forecast is fed back
        as the next input.
        """;

    public static int Run(string[] argv)
    {
        var args = new CliArgs(argv, ["--steps", "--data", "--column"], [], "predict");
        if (args.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args.Positional.Count != 1)
            throw new ArgumentException("predict needs one MODEL path. Run `gpulstm predict --help`.");
        string path = args.Positional[0];
        if (!File.Exists(path))
            throw new ArgumentException($"no model file '{path}'.");
        var metadata = Sequential.ReadMetadata(path);
        if (!metadata.TryGetValue("gpulstm.forecast", out string? json))
            throw new ArgumentException($"{path} was not written by `gpulstm train` (no forecast settings in it).");
        var settings = JsonDocument.Parse(json).RootElement;
        int window = settings.GetProperty("window").GetInt32();
        double scale = settings.GetProperty("scale").GetDouble();
        string? data = args.Text("--data");
        var series = data is null ? BuiltInDatasets.Co2() : CsvTable.Load(data).NumericColumn(
            args.Text("--column") ?? throw new ArgumentException("--data needs --column NAME."));
        int steps = args.Int("--steps", 12);

        using var device = ComputeDevice.Create();
        using var model = Sequential.Load(path, device);
        var forecast = SeriesForecaster.ForecastAhead(model, series, window, scale, steps);
        Console.WriteLine($"Last value: {series[^1].ToString("F3", CultureInfo.InvariantCulture)}; next {steps}:");
        for (int i = 0; i < steps; i++)
            Console.WriteLine($"  +{i + 1,-3} {forecast[i].ToString("F3", CultureInfo.InvariantCulture)}");
        return 0;
    }
}
