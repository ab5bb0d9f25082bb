using GpuLstm.Codegen;
using GpuLstm.Plotting;
using GpuLstm.Datasets;
using GpuLstm.Samples;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Models;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm bench</c>: one training step (LSTM + Dense(1, sigmoid) + binary cross-entropy + Adam)
/// per shape, with ms/step and what the device did per step in steady state.
/// </summary>
public static class BenchCommand
{
    private const string Usage = """
        Usage: gpulstm bench [--shapes small,large] [--steps N] [--warmup N] [--json PATH] [--profile]

        Times one training step of LSTM -> Dense(1, sigmoid) -> binary cross-entropy -> Adam at
        small = B32,T10,I50,H128 (the founding Keras example) and large = B64,T100,I256,H256
        (the default --shapes), or also xl = B64,T100,I512,H512 and b8 = B8,T100,I512,H512
        (e.g. --shapes small,large,xl,b8).
        Prints ms/step (median; the mean beside it), kernel launches, device allocations and host<->device transfers per step
        (steady state, after warm-up) and the device memory high-water mark. The loss is read
        back once per step. benchmarks/compare.py runs PyTorch on the same steps beside it.
        --steps defaults to as many as fit in ~3 s (at least 5). --profile then runs a few more
        steps with the device synchronised after every launch and prints where the time went.
        """;

    /// <summary>MsPerStep is the median of per-step times (robust on a busy machine); MsMean the mean.</summary>
    public sealed record Result(string Name, int Batch, int Steps, int Inputs, int Hidden, double MsPerStep,
        double MsMean, int TimedSteps, double LaunchesPerStep, double AllocationsPerStep, double TransfersPerStep, double MemoryHighWaterMb);

    public static int Run(string[] argv)
    {
        var args = new CliArgs(argv, ["--shapes", "--steps", "--warmup", "--json"], ["--profile"], "bench");
        if (args.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args.Positional.Count > 0)
            throw new ArgumentException($"bench takes options only, got '{args.Positional[0]}'.");
        var shapes = (args.Text("--shapes") ?? "small,large")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(k => BenchShape.All.FirstOrDefault(s => s.Key == k)
                ?? throw new ArgumentException($"unknown shape '{k}'; expected one of {BenchShape.Keys}.")).ToList();
        int? steps = args.Text("--steps") is null ? null : args.Int("--steps", 1);
        int warmup = args.Int("--warmup", 3, min: 0);
        string? json = args.Text("--json");
        bool profile = args.Flag("--profile");

        using var device = ComputeDevice.Create();
        Console.WriteLine($"Device: {device}   GEMM: {device.GemmEngineName}   {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"{"Shape",-20} {"ms/step",9} {"mean",9} {"steps",6} {"launches",9} {"allocs",7} {"transfers",10} {"high-water MB",14}");
        var results = new List<Result>();
        foreach (var shape in shapes)
        {
            var r = Measure(device, shape, warmup, steps, profile);
            results.Add(r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-20} {r.MsPerStep,9:F2} {r.MsMean,9:F2} {r.TimedSteps,6} {r.LaunchesPerStep,9:F0} {r.AllocationsPerStep,7:F0} {r.TransfersPerStep,10:F0} {r.MemoryHighWaterMb,14:F1}"));
        }
        if (json is not null)
            WriteJson(json, device, results);
        return 0;
    }

    public static Result Measure(ComputeDevice device, BenchShape shape, int warmup, int? steps, bool profile = false)
    {
        using var model = new LstmClassifier(device, shape.Inputs, shape.Hidden, seed: 1);
        var rng = new Random(2);
        var xData = new float[shape.Batch * shape.Steps * shape.Inputs];
        for (int i = 0; i < xData.Length; i++)
            xData[i] = (float)(rng.NextDouble() * 2 - 1);
        var yData = Enumerable.Range(0, shape.Batch).Select(_ => (float)rng.Next(2)).ToArray();
        using var x = Tensor.FromArray(device, xData, [shape.Batch, shape.Steps, shape.Inputs], "x");
        using var y = Tensor.FromArray(device, yData, [shape.Batch, 1], "y");

        for (int i = 0; i < warmup; i++)
            model.TrainStep(x, y);
        device.Synchronize();
        var before = device.Counters.Snapshot();
        var clock = Stopwatch.StartNew();
        var times = new List<double>();
        while (steps is null ? times.Count < 5 || clock.Elapsed.TotalSeconds < 3 : times.Count < steps)
        {
            long start = Stopwatch.GetTimestamp();
            model.TrainStep(x, y); // reads the loss back, which waits for the device
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        device.Synchronize();
        int timed = times.Count;
        times.Sort();
        double median = timed % 2 == 1 ? times[timed / 2] : (times[timed / 2 - 1] + times[timed / 2]) / 2;
        var delta = device.Counters.Snapshot() - before;
        if (profile)
            PrintProfile(device, shape, () => model.TrainStep(x, y));
        return new Result(shape.Name, shape.Batch, shape.Steps, shape.Inputs, shape.Hidden, median, times.Average(), timed,
            delta.KernelLaunches / (double)timed, delta.Allocations / (double)timed, delta.Transfers / (double)timed,
            device.Counters.BytesHighWater / (1024.0 * 1024.0));
    }

    private static void PrintProfile(ComputeDevice device, BenchShape shape, Action step)
    {
        var profiler = device.EnableProfiling();
        const int steps = 5;
        profiler.Reset();
        for (int i = 0; i < steps; i++)
            step();
        var rows = profiler.Report();
        double total = rows.Sum(r => r.Milliseconds);
        Console.WriteLine($"  profile of {shape.Name} (synchronised, per step):");
        foreach (var (kernel, launches, ms) in rows.Take(12))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {kernel,-44} {launches / (double)steps,6:F0} launches {ms / steps,9:F3} ms {100 * ms / total,5:F1}%"));
        device.DisableProfiling();
    }

    private static void WriteJson(string path, ComputeDevice device, IReadOnlyList<Result> results)
    {
        var doc = new Dictionary<string, object>
        {
            ["tool"] = "gpulstm",
            ["device"] = device.ToString(),
            ["device_kind"] = device.Kind.ToString().ToLowerInvariant(),
            ["gemm"] = device.GemmEngineName,
            ["tf32"] = device.UsesTf32,
            ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["results"] = results.Select(r => new Dictionary<string, object>
            {
                ["name"] = r.Name, ["batch"] = r.Batch, ["steps"] = r.Steps, ["inputs"] = r.Inputs, ["hidden"] = r.Hidden,
                ["ms_per_step"] = r.MsPerStep, ["ms_mean"] = r.MsMean, ["timed_steps"] = r.TimedSteps,
                ["launches_per_step"] = r.LaunchesPerStep, ["allocations_per_step"] = r.AllocationsPerStep,
                ["transfers_per_step"] = r.TransfersPerStep, ["memory_high_water_mb"] = r.MemoryHighWaterMb,
            }).ToList(),
        };
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Wrote {path}");
    }

}
