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
        Forecasts the next values after the end of the series the model was trained on (the model
        file records it: the built-in CO2 record or the CSV file and column), or after --data/--column.
        Each forecast is fed back as the next input.
        """;

    public static Command Create()
    {
        var model = CliOptions.ExistingFileArgument("MODEL", "a model written by `gpulstm train` (e.g. gpulstm-runs/co2/model.safetensors)");
        var steps = CliOptions.Int("--steps", "how many values to forecast", 12);
        var data = CliOptions.ExistingFile("--data", "a CSV file whose column to continue instead of the series the model was trained on", "FILE.csv");
        var column = CliOptions.Text("--column", "the numeric column of --data", "NAME");
        var command = new DetailedCommand("predict", "forecast the next values with a model written by `train`", Details)
        {
            model, steps, data, column,
        };
        CliOptions.Requires(command, data, column, "(the numeric column to continue)");
        CliOptions.Requires(command, column, data, "FILE.csv");
        command.SetAction(p =>
        {
            string path = p.GetValue(model)!;
            var settings = ReadSettings(path);
            var series = p.GetValue(data) is { } csv ? CsvTable.Load(csv).NumericColumn(p.GetValue(column)!) : TrainedSeries(path, settings);
            return Run(p.InvocationConfiguration.Output, path, settings, series, p.GetValue(steps));
        });
        return command;
    }

    public static ForecastSettings ReadSettings(string modelPath)
    {
        if (!Sequential.ReadMetadata(modelPath).TryGetValue(ForecastSettings.MetadataKey, out string? json))
            throw new ArgumentException($"{modelPath} was not written by `gpulstm train` (no forecast settings in it).");
        return CliJson.Deserialize<ForecastSettings>(json, $"{modelPath}'s forecast settings");
    }

    /// <summary>
    /// The series recorded in the model file: the built-in CO2 record, or the CSV's column. A relative
    /// path (older files) is tried from the current folder, then from the model's.
    /// </summary>
    public static double[] TrainedSeries(string modelPath, ForecastSettings settings)
    {
        if (settings.Source == TrainSeries.BuiltInSource)
            return BuiltInDatasets.Co2();
        string[] candidates = Path.IsPathRooted(settings.Source)
            ? [settings.Source]
            : [Path.GetFullPath(settings.Source), Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, settings.Source)];
        string csv = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"{modelPath} was trained on column '{settings.Column}' of {settings.Source}, which is not there any more; " +
                "pass --data FILE.csv --column NAME to say which series to continue.");
        return CsvTable.Load(csv).NumericColumn(settings.Column);
    }

    public static int Run(TextWriter output, string modelPath, ForecastSettings settings, double[] series, int steps)
    {
        if (series.Length < settings.Window)
            throw new ArgumentException($"the series has {series.Length} points, but {modelPath} forecasts from the last {settings.Window}.");
        using var device = ComputeDevice.Create();
        using var model = Sequential.Load(modelPath, device);
        var forecast = SeriesForecaster.ForecastAhead(model, series, settings.Window, settings.Scale, steps);
        output.WriteLine($"Last value: {series[^1].ToString("F3", CultureInfo.InvariantCulture)}; next {steps}:");
        for (int i = 0; i < steps; i++)
            output.WriteLine($"  +{i + 1,-3} {forecast[i].ToString("F3", CultureInfo.InvariantCulture)}");
        return 0;
    }
}
