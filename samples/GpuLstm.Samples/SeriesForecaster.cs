using GpuLstm.Distributed;
using GpuLstm.Datasets;
using GpuLstm.Models;
using System.Diagnostics;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models.Callbacks;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>Settings of a univariate one-step-ahead forecasting run.</summary>
public sealed record ForecastOptions
{
    public int Window { get; init; } = 24;        // past points the LSTM sees
    public int Season { get; init; } = 12;        // seasonal-naive lag (12 for monthly data)
    public int TestCount { get; init; } = 60;     // last points held out for the test
    public int ValidationCount { get; init; } = 36;
    public int Units { get; init; } = 32;
    public int Epochs { get; init; } = 80;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 0.003f;
    public int Seed { get; init; }
}

/// <summary>Test error of the LSTM next to the baselines on the same points, and what it produced.</summary>
public sealed record ForecastReport(
    double Mae, double Rmse, double SeasonalNaiveMae, double SeasonalNaiveRmse, double PersistenceMae, double PersistenceRmse,
    double[] Actual, double[] Forecast, double[] SeasonalNaive, double[] Persistence, int TestStart, History History, double Seconds, double Scale);

/// <summary>
/// Trains an LSTM to forecast the next value of a series from the previous <c>Window</c> values.
/// Each window is expressed relative to its last value (and scaled by the training differences'
/// spread), so a trending series such as CO2 never leaves the range the model was trained on.
/// </summary>
public static class SeriesForecaster
{
    public static (Sequential Model, ForecastReport Report) Train(double[] series, ForecastOptions options, ComputeDevice device,
        TextWriter? log = null, int verbose = 0, ICommunicator? communicator = null)
    {
        int w = options.Window;
        int testStart = series.Length - options.TestCount, validationStart = testStart - options.ValidationCount;
        if (options.TestCount <= 0 || validationStart - w < 2 * w || w <= options.Season)
            throw new ArgumentException(
                $"forecast: {series.Length} points are too few for window {w}, season {options.Season}, " +
                $"{options.ValidationCount} validation and {options.TestCount} test points (the window must exceed the season).");
        if (series.Any(v => !double.IsFinite(v)))
            throw new ArgumentException("forecast: the series contains missing or non-finite values.");
        double scale = DifferenceSpread(series.AsSpan(0, validationStart));

        var train = Windows(series, w, scale, w, validationStart);
        var validation = Windows(series, w, scale, validationStart, testStart);
        var test = Windows(series, w, scale, testStart, series.Length);
        var model = new Sequential("forecaster", device, options.Seed);
        model.Add(new Lstm(options.Units, inputShape: (w, 1)));
        model.Add(new Dense(1));
        model.Compile(new Adam(options.LearningRate) { GlobalClipNorm = 1f }, "mse", ["mae"]);
        model.Distribute(communicator); // null: one process
        var clock = Stopwatch.StartNew();
        var history = model.Fit(train.X, train.Y, options.BatchSize, options.Epochs, verbose, validationData: (validation.X, validation.Y),
            callbacks: [new ReduceLROnPlateau("val_loss", factor: 0.5f, patience: 8)], output: log);
        if (history.StopReason is not null)
            throw new InvalidOperationException($"forecast: training stopped: {history.StopReason}.");

        var predicted = model.Predict(test.X).Data;
        int n = options.TestCount;
        var actual = new double[n];
        var forecast = new double[n];
        var seasonal = new double[n];
        var persistence = new double[n];
        for (int i = 0; i < n; i++)
        {
            int t = testStart + i;
            actual[i] = series[t];
            forecast[i] = series[t - 1] + predicted[i] * scale;
            seasonal[i] = series[t - options.Season];
            persistence[i] = series[t - 1];
        }
        var report = new ForecastReport(
            ForecastErrors.Mae(actual, forecast), ForecastErrors.Rmse(actual, forecast),
            ForecastErrors.Mae(actual, seasonal), ForecastErrors.Rmse(actual, seasonal),
            ForecastErrors.Mae(actual, persistence), ForecastErrors.Rmse(actual, persistence),
            actual, forecast, seasonal, persistence, testStart, history,
            clock.Elapsed.TotalSeconds, scale);
        return (model, report);
    }

    /// <summary>Next <paramref name="steps"/> values after the series, each forecast fed back as input.</summary>
    public static double[] ForecastAhead(Sequential model, double[] series, int window, double scale, int steps)
    {
        var history = series.ToList();
        var result = new double[steps];
        for (int s = 0; s < steps; s++)
        {
            double last = history[^1];
            var x = new float[window];
            for (int j = 0; j < window; j++)
                x[j] = (float)((history[history.Count - window + j] - last) / scale);
            result[s] = last + model.Predict(new HostArray(x, 1, window, 1)).Data[0] * scale;
            history.Add(result[s]);
        }
        return result;
    }

    /// <summary>Inputs [N, window, 1] and next-value targets [N, 1] for targets at [from, to).</summary>
    private static (HostArray X, HostArray Y) Windows(double[] s, int window, double scale, int from, int to)
    {
        int n = to - from;
        var x = new float[n * window];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int t = from + i;
            double last = s[t - 1];
            for (int j = 0; j < window; j++)
                x[i * window + j] = (float)((s[t - window + j] - last) / scale);
            y[i] = (float)((s[t] - last) / scale);
        }
        return (new HostArray(x, n, window, 1), new HostArray(y, n, 1));
    }

    private static double DifferenceSpread(ReadOnlySpan<double> s)
    {
        double sum = 0, sumSq = 0;
        for (int i = 1; i < s.Length; i++)
        {
            double d = s[i] - s[i - 1];
            sum += d;
            sumSq += d * d;
        }
        int n = s.Length - 1;
        double variance = sumSq / n - (sum / n) * (sum / n);
        return variance > 0 ? Math.Sqrt(variance) : 1;
    }

}
