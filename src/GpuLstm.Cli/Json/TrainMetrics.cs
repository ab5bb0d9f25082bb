using GpuLstm.Samples;

namespace GpuLstm.Cli.Json;

/// <summary><c>gpulstm train</c>'s metrics.json: the data, the settings, test errors beside the baselines, and the loss history.</summary>
public sealed record TrainMetrics(
    string Data,
    string Column,
    int Points,
    string TestStart,
    string TestEnd,
    int TestPoints,
    string Device,
    int WorldSize,
    double Seconds,
    ForecastOptions Options,
    TestError Lstm,
    LaggedTestError SeasonalNaive,
    TestError Persistence,
    bool BeatsSeasonalNaive,
    IReadOnlyDictionary<string, List<double>> History);

/// <summary>One-step-ahead error over the test points.</summary>
public sealed record TestError(double Mae, double Rmse);

/// <summary>The seasonal-naive baseline's error and the lag it repeats.</summary>
public sealed record LaggedTestError(double Mae, double Rmse, int Lag);
