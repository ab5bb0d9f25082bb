namespace GpuLstm.Cli.Json;

/// <summary>
/// <c>gpulstm bench --json</c>. benchmarks/compare.py and benchmarks/gpu/report.py read these keys
/// (snake_case of the names below): rename nothing without changing them.
/// </summary>
/// <param name="GemmLibrary">The cuBLAS/OpenBLAS file loaded; null for GpuLstm's own kernel.</param>
public sealed record BenchReport(string Tool, string Device, string DeviceKind, string Gemm, string? GemmLibrary, bool Tf32, string DateUtc,
    IReadOnlyList<BenchResult> Results);

/// <summary>One shape's steady-state step. MsPerStep is the median of per-step times (robust on a busy machine); MsMean the mean.</summary>
public sealed record BenchResult(string Name, int Batch, int Steps, int Inputs, int Hidden, double MsPerStep, double MsMean,
    int TimedSteps, double LaunchesPerStep, double AllocationsPerStep, double TransfersPerStep, double MemoryHighWaterMb);
