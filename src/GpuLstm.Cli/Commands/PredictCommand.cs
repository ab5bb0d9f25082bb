using System.CommandLine;
using System.Globalization;
using GpuLstm.Cli.Json;
using GpuLstm.Cli.Parsing;
using GpuLstm.Datasets;
using GpuLstm.Device;
using GpuLstm.Models;
using GpuLstm.Samples;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm predict MODEL</c>: the next values of the series a `gpulstm train` model was trained on (or another).</summary>
public static class PredictCommand
{
    private const string Details = """
        Forecasts the next values after the end of the series: the built-in CO2 record, or
        --data/--column. Each forecast is fed back as the next input.
        """;

    public static Command Create()
    {
        var model = CliOptions.ExistingFileArgument("MODEL", "a model written by `gpulstm train` (e.g. gpulstm-runs/co2/model.safetensors)");
        var steps = CliOptions.Int("--steps", "how many values to forecast", 12);
        var data = CliOptions.ExistingFile("--data", "a CSV file whose column to continue instead of the built-in CO2 record", "FILE.csv");
        var column = CliOptions.Text("--column", "the numeric column of --data", "NAME");
        var command = new DetailedCommand("predict", "forecast the next values with a model written by `train`", Details)
        {
            model, steps, data, column,
        };
        CliOptions.Requires(command, data, column, "(the numeric column to continue)");
        CliOptions.Requires(command, column, data, "FILE.csv");
        command.SetAction(p =>
        {
            var series = p.GetValue(data) is { } path ? CsvTable.Load(path).NumericColumn(p.GetValue(column)!) : BuiltInDatasets.Co2();
            return Run(p.InvocationConfiguration.Output, p.GetValue(model)!, series, p.GetValue(steps));
        });
        return command;
    }

    public static int Run(TextWriter output, string modelPath, double[] series, int steps)
    {
        if (!Sequential.ReadMetadata(modelPath).TryGetValue(ForecastSettings.MetadataKey, out string? json))
            throw new ArgumentException($"{modelPath} was not written by `gpulstm train` (no forecast settings in it).");
        var settings = CliJson.Deserialize<ForecastSettings>(json, $"{modelPath}'s forecast settings");
        using var device = ComputeDevice.Create();
        using var model = Sequential.Load(modelPath, device);
        var forecast = SeriesForecaster.ForecastAhead(model, series, settings.Window, settings.Scale, steps);
        output.WriteLine($"Last value: {series[^1].ToString("F3", CultureInfo.InvariantCulture)}; next {steps}:");
        for (int i = 0; i < steps; i++)
            output.WriteLine($"  +{i + 1,-3} {forecast[i].ToString("F3", CultureInfo.InvariantCulture)}");
        return 0;
    }
}
