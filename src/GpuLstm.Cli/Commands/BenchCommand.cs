using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using GpuLstm.Cli.Json;
using GpuLstm.Cli.Parsing;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Samples;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm bench</c>: one training step (LSTM + Dense(1, sigmoid) + binary cross-entropy + Adam)
/// per shape, with ms/step and what the device did per step in steady state.
/// </summary>
public static class BenchCommand
{
    private const string Details = """
        Shapes: small = B32,T10,I50,H128 (the founding Keras example), large = B64,T100,I256,H256,
        xl = B64,T100,I512,H512, b8 = B8,T100,I512,H512 (e.g. --shapes small,large,xl,b8).
        Prints ms/step (median; the mean beside it), kernel launches, device allocations and
        host<->device transfers per step (steady state, after warm-up) and the device memory
        high-water mark. The loss is read back once per step. benchmarks/compare.py runs PyTorch on
        the same steps beside it.
        """;

    public static Command Create()
    {
        var shapes = new Option<IReadOnlyList<BenchShape>>("--shapes")
        {
            Description = $"comma-separated shapes out of {BenchShape.Keys} [default: small,large]",
            HelpName = "K,..",
            CustomParser = ParseShapes,
        };
        var steps = CliOptions.OptionalInt("--steps", "timed steps per shape [default: as many as fit in ~3 s, at least 5]");
        var warmup = CliOptions.Int("--warmup",
            "untimed steps per shape before timing, and at least 1 s of them (a real run's steady state: .NET's tiered JIT " +
            "optimises a method only after it has run for a while)", 3, min: 0);
        var json = CliOptions.Text("--json", "also write the results as JSON to PATH", "PATH");
        var profile = CliOptions.Flag("--profile",
            "then run a few more steps with the device synchronised after every launch and print where the time went");
        var distributed = CliOptions.Flag("--distributed",
            "under `mpiexec.mpich -n N`: time the steps as a data-parallel Fit over the N ranks (the shape's batch split across them) " +
            "and the gradient all-reduce per step (timed steps: --steps, default 10)");
        var plan = CliOptions.Text("--plan",
            $"count the launches per training step a GPU path would issue, without a GPU ({string.Join(", ", LaunchPlan.Targets)}; " +
            "GPULSTM_RECURRENCE picks the recurrence)", "TARGET");
        plan.AcceptOnlyFromAmong([.. LaunchPlan.Targets]);
        var command = new DetailedCommand("bench", "time one LSTM training step and count launches, allocations, transfers", Details)
        {
            shapes, steps, warmup, json, profile, distributed, plan,
        };
        command.SetAction(p =>
        {
            var chosen = p.GetValue(shapes) ?? BenchShape.Defaults;
            if (p.GetValue(plan) is { } target)
            {
                if (p.GetValue(distributed) || p.GetValue(json) is not null || p.GetValue(profile))
                    return Program.UsageError(p, "--plan counts launches only; it takes --shapes, not --distributed, --json or --profile.");
                return LaunchPlan.Run(p.InvocationConfiguration.Output, target, chosen);
            }
            if (!p.GetValue(distributed))
                return Run(p.InvocationConfiguration.Output, chosen, p.GetValue(warmup), p.GetValue(steps), p.GetValue(json), p.GetValue(profile));
            if (p.GetValue(json) is not null || p.GetValue(profile))
                return Program.UsageError(p, "--distributed prints its own table; --json and --profile are for the one-process bench.");
            return DistributedRun.Run(p.InvocationConfiguration.Error, "gpulstm bench --distributed",
                comm => DistributedBench.Run(p.InvocationConfiguration.Output, chosen, p.GetValue(warmup), p.GetValue(steps), comm));
        });
        return command;
    }

    /// <summary>Benchmarks <paramref name="shapes"/> on the default device; writes the JSON report when <paramref name="json"/> is set.</summary>
    public static int Run(TextWriter output, IReadOnlyList<BenchShape> shapes, int warmup, int? steps, string? json, bool profile)
    {
        using var device = ComputeDevice.Create();
        output.WriteLine($"Device: {device}   GEMM: {device.GemmEngineName}{RecurrenceNote(device)}   {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        output.WriteLine($"{"Shape",-20} {"ms/step",9} {"mean",9} {"steps",6} {"launches",9} {"allocs",7} {"transfers",10} {"high-water MB",14}");
        var results = new List<BenchResult>();
        foreach (var shape in shapes)
        {
            var r = Measure(device, shape, warmup, steps, profile ? output : null);
            results.Add(r);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-20} {r.MsPerStep,9:F2} {r.MsMean,9:F2} {r.TimedSteps,6} {r.LaunchesPerStep,9:F0} {r.AllocationsPerStep,7:F0} {r.TransfersPerStep,10:F0} {r.MemoryHighWaterMb,14:F1}"));
        }
        if (json is not null)
        {
            CliJson.Write(json, new BenchReport("gpulstm", device.ToString(), device.Kind.ToString().ToLowerInvariant(),
                device.GemmEngineName, device.GemmLibrary, device.UsesTf32, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), results));
            output.WriteLine($"Wrote {json}");
        }
        return 0;
    }

    /// <summary>
    /// Which recurrence runs: the grid kernels when GPULSTM_RECURRENCE asks for them (any device), else on the CPU
    /// accelerator the fused or the per-step one (the per-step one is slower; GPULSTM_FUSE_CPU_RECURRENCE=0 picks it).
    /// </summary>
    public static string RecurrenceNote(ComputeDevice device) => device.RecurrenceMode switch
    {
        RecurrenceMode.Persistent => "   recurrence: persistent (one grid kernel per sequence)",
        RecurrenceMode.Stepwise => "   recurrence: step mode (one grid kernel per step)",
        _ => !device.InlinesSmallKernels ? "" : device.FusesCpuRecurrence ? "   LSTM recurrence: fused" : "   LSTM recurrence: per step",
    };

    // "small,large" or "--shapes small --shapes large"; an unknown key lists the known ones.
    private static IReadOnlyList<BenchShape> ParseShapes(ArgumentResult result)
    {
        var shapes = new List<BenchShape>();
        bool unknown = false;
        foreach (string key in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (BenchShape.Find(key) is { } shape)
                shapes.Add(shape);
            else
            {
                unknown = true;
                result.AddError($"--shapes: unknown shape '{key}'; expected one of {BenchShape.Keys}.");
            }
        }
        if (shapes.Count == 0 && !unknown)
            result.AddError($"--shapes needs at least one of {BenchShape.Keys}.");
        return shapes;
    }

    /// <summary>
    /// Least warm-up per shape: a small step (~2 ms) otherwise gets timed while .NET still runs its hot
    /// methods unoptimised (tier 0: the fused recurrence's first rounds took 3.5 ms instead of 1.9).
    /// benchmarks/pytorch_step.py warms PyTorch up by the same rule.
    /// </summary>
    public static readonly TimeSpan MinWarmup = TimeSpan.FromSeconds(1);

    /// <summary>Times <paramref name="shape"/>; with <paramref name="profile"/> set, also prints a synchronised per-kernel profile there.</summary>
    public static BenchResult Measure(ComputeDevice device, BenchShape shape, int warmup, int? steps, TextWriter? profile = null)
    {
        using var model = new LstmClassifier(device, shape.Inputs, shape.Hidden, seed: 1);
        var rng = new Random(2);
        var xData = new float[shape.Batch * shape.Steps * shape.Inputs];
        for (int i = 0; i < xData.Length; i++)
            xData[i] = (float)(rng.NextDouble() * 2 - 1);
        var yData = Enumerable.Range(0, shape.Batch).Select(_ => (float)rng.Next(2)).ToArray();
        using var x = Tensor.FromArray(device, xData, [shape.Batch, shape.Steps, shape.Inputs], "x");
        using var y = Tensor.FromArray(device, yData, [shape.Batch, 1], "y");

        var warming = Stopwatch.StartNew();
        for (int i = 0; i < warmup || (warmup > 0 && warming.Elapsed < MinWarmup); i++)
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
        if (profile is not null)
            PrintProfile(profile, device, shape, () => model.TrainStep(x, y));
        return new BenchResult(shape.Name, shape.Batch, shape.Steps, shape.Inputs, shape.Hidden, median, times.Average(), timed,
            delta.KernelLaunches / (double)timed, delta.Allocations / (double)timed, delta.Transfers / (double)timed,
            device.Counters.BytesHighWater / (1024.0 * 1024.0));
    }

    private static void PrintProfile(TextWriter output, ComputeDevice device, BenchShape shape, Action step)
    {
        var profiler = device.EnableProfiling();
        const int steps = 5;
        profiler.Reset();
        for (int i = 0; i < steps; i++)
            step();
        var rows = profiler.Report();
        double total = rows.Sum(r => r.Milliseconds);
        output.WriteLine($"  profile of {shape.Name} (synchronised, per step):");
        foreach (var (kernel, launches, ms) in rows.Take(12))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {kernel,-44} {launches / (double)steps,6:F0} launches {ms / steps,9:F3} ms {100 * ms / total,5:F1}%"));
        device.DisableProfiling();
    }
}
