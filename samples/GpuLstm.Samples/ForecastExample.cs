using System.Diagnostics;
using GpuLstm.Datasets;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>
/// Time-series forecasting on two real series:
/// (1) monthly Mauna Loa CO2, one month ahead from the last 24 (the `gpulstm train` job), against
/// seasonal-naive (12 months earlier) and persistence; (2) next-day maximum temperature in Seattle
/// from the last 14 days of precipitation, max/min temperature, wind and the season, against
/// persistence (today's maximum) and seasonal-naive (the same day a year earlier).
/// Both hold out the last part of the series as the test set; nothing from it is used in training.
/// </summary>
public sealed class ForecastExample : IExample
{
    public string Name => "forecast";
    public string Description => "CO2 (monthly) and Seattle next-day max temperature; MAE/RMSE vs seasonal-naive and persistence";

    public ExampleResult Run(ExampleOptions options)
    {
        var clock = Stopwatch.StartNew();
        options.Log.WriteLine("== CO2, one month ahead");
        var co2Options = new ForecastOptions { Epochs = options.Quick ? 4 : 80, Units = options.Quick ? 8 : 32, Seed = options.Seed };
        var (co2Model, co2) = SeriesForecaster.Train(BuiltInDatasets.Co2(), co2Options, options.Device, options.Log, options.Verbose, options.Communicator);
        co2Model.Dispose();

        options.Log.WriteLine("== Seattle, next-day maximum temperature");
        var weather = Seattle(options);
        var metrics = new List<ExampleMetric>
        {
            new("CO2 MAE (ppm)", co2.Mae, co2.SeasonalNaiveMae, "seasonal naive", false),
            new("CO2 RMSE (ppm)", co2.Rmse, co2.SeasonalNaiveRmse, "seasonal naive", false),
            new("CO2 MAE vs persistence", co2.Mae, co2.PersistenceMae, "persistence", false),
        };
        metrics.AddRange(weather.Metrics);
        var losses = new Dictionary<string, double>
        {
            ["co2_first"] = co2.History["loss"][0], ["co2_last"] = co2.History["loss"][^1],
            ["seattle_first"] = weather.FirstLoss, ["seattle_last"] = weather.LastLoss,
        };
        return new ExampleResult(Name, "LSTM(32) → Dense(1) per series", metrics, clock.Elapsed.TotalSeconds,
            options.Device.ToString(), losses);
    }

    private sealed record WeatherResult(List<ExampleMetric> Metrics, double FirstLoss, double LastLoss);

    private static WeatherResult Seattle(ExampleOptions options)
    {
        const int Window = 14, Year = 365, TestDays = 365, ValidationDays = 180;
        var table = CsvTable.LoadEmbedded("seattle-weather.csv");
        double[] precipitation = table.NumericColumn("precipitation"), tmax = table.NumericColumn("temp_max"),
            tmin = table.NumericColumn("temp_min"), wind = table.NumericColumn("wind");
        int days = tmax.Length, testStart = days - TestDays, validationStart = testStart - ValidationDays;

        // Features per day, standardised with training-period statistics only; day of year as sin/cos.
        double[][] raw = [precipitation, tmax, tmin, wind];
        var scalers = raw.Select(f => Standardizer.Fit(f.AsSpan(0, validationStart))).ToArray();
        const int Features = 6;
        var feature = new float[days * Features];
        for (int d = 0; d < days; d++)
        {
            for (int f = 0; f < raw.Length; f++)
                feature[d * Features + f] = (float)scalers[f].Transform(raw[f][d]);
            double phase = 2 * Math.PI * (d % Year) / Year;
            feature[d * Features + 4] = (float)Math.Sin(phase);
            feature[d * Features + 5] = (float)Math.Cos(phase);
        }
        var target = scalers[1]; // temp_max
        (HostArray X, HostArray Y) Windows(int from, int to) // targets are days [from, to)
        {
            int n = to - from;
            var x = new float[n * Window * Features];
            var y = new float[n];
            for (int i = 0; i < n; i++)
            {
                int t = from + i;
                Array.Copy(feature, (t - Window) * Features, x, i * Window * Features, Window * Features);
                y[i] = (float)target.Transform(tmax[t]);
            }
            return (new HostArray(x, n, Window, Features), new HostArray(y, n, 1));
        }
        var train = Windows(Year, validationStart); // start a year in, so every target has a seasonal-naive value too
        var validation = Windows(validationStart, testStart);
        var test = Windows(testStart, days);

        using var model = new Sequential("seattle", options.Device, options.Seed);
        model.Add(new Lstm(options.Quick ? 8 : 32, inputShape: (Window, Features)));
        model.Add(new Dense(1));
        model.Compile(new Adam(0.003f) { GlobalClipNorm = 1f }, "mse", ["mae"]);
        model.Distribute(options.Communicator); // null: one process
        var history = model.Fit(train.X, train.Y, batchSize: 32, epochs: options.Quick ? 3 : 40, verbose: options.Verbose,
            validationData: validation, callbacks: [new EarlyStopping("val_loss", patience: 8, restoreBestWeights: true)],
            output: options.Log);

        var predicted = target.Inverse(ExampleFiles.SaveLoadPredict(model, test.X, Path.Combine(options.OutputDirectory, "seattle.safetensors"), options.Device));
        var actual = tmax[testStart..];
        var persistence = tmax[(testStart - 1)..(days - 1)];
        var seasonal = tmax[(testStart - Year)..(days - Year)];
        return new WeatherResult(
        [
            new("Seattle max temp MAE (°C)", ForecastErrors.Mae(actual, predicted), ForecastErrors.Mae(actual, persistence), "persistence", false),
            new("Seattle max temp RMSE (°C)", ForecastErrors.Rmse(actual, predicted), ForecastErrors.Rmse(actual, persistence), "persistence", false),
            new("Seattle MAE vs seasonal naive", ForecastErrors.Mae(actual, predicted), ForecastErrors.Mae(actual, seasonal), "seasonal naive", false),
        ], history["loss"][0], history["loss"][^1]);
    }

}
