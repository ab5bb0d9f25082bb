using System.CommandLine;
using System.Globalization;
using GpuLstm.Cli.Json;
using GpuLstm.Cli.Parsing;
using GpuLstm.Device;
using GpuLstm.Distributed;
using GpuLstm.Mpi;
using GpuLstm.Samples;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm example NAME</c>: runs one of the real sequence tasks and prints its metrics beside its baseline.</summary>
public static class ExampleCommand
{
    public static Command Create()
    {
        var names = ExampleCatalog.All.Select(e => e.Name).ToList();
        var name = CliOptions.OneOf("NAME", "example", "the task to run", names);
        var quick = CliOptions.Flag("--quick", "a small slice for a few steps (what CI runs); the default is the full task");
        var quiet = CliOptions.Flag("--quiet", "no per-epoch progress");
        var seed = CliOptions.Int("--seed", "seed of the weights, shuffling and sampling", 0, min: 0);
        var outDir = CliOptions.Text("--out", "the output folder [default: gpulstm-runs/NAME]", "DIR");
        var json = CliOptions.Text("--json", "where to write the result [default: DIR/result.json]", "PATH");
        var distributed = CliOptions.Flag("--distributed",
            "train data parallel over MPI: start as `mpiexec.mpich -n N gpulstm example NAME --distributed` (MPICH); rank 0 prints and writes");
        string tasks = "Tasks:\n" + string.Join('\n', ExampleCatalog.All.Select(e => $"  {e.Name,-10} {e.Description}"));
        var command = new DetailedCommand("example",
            $"run a real sequence task ({string.Join(", ", names)}) next to its baseline", tasks)
        {
            name, quick, quiet, seed, outDir, json, distributed,
        };
        command.SetAction(p =>
        {
            var example = ExampleCatalog.Find(p.GetValue(name)!);
            string dir = p.GetValue(outDir) ?? Path.Combine("gpulstm-runs", example.Name);
            string jsonPath = p.GetValue(json) ?? Path.Combine(dir, "result.json");
            if (!p.GetValue(distributed))
                return Run(p.InvocationConfiguration.Output, example, dir, jsonPath, p.GetValue(quick), p.GetValue(seed), p.GetValue(quiet));
            return DistributedRun.Run(p.InvocationConfiguration.Error, $"gpulstm example {example.Name} --distributed", comm =>
            {
                if (comm.Rank == 0)
                    return Run(p.InvocationConfiguration.Output, example, dir, jsonPath, p.GetValue(quick), p.GetValue(seed), p.GetValue(quiet), comm);
                // The other ranks train beside rank 0 silently; what their task code writes goes to a folder of their own, removed after.
                var scratch = Directory.CreateTempSubdirectory($"gpulstm-rank{comm.Rank}-");
                try
                {
                    return Run(TextWriter.Null, example, scratch.FullName, Path.Combine(scratch.FullName, "result.json"), p.GetValue(quick),
                        p.GetValue(seed), quiet: true, comm);
                }
                finally
                {
                    scratch.Delete(recursive: true);
                }
            });
        });
        return command;
    }

    /// <param name="comm">data parallel over these ranks (null: one process)</param>
    public static int Run(TextWriter output, IExample example, string outDir, string jsonPath, bool quick, int seed, bool quiet,
        ICommunicator? comm = null)
    {
        Directory.CreateDirectory(outDir);
        using var device = ComputeDevice.Create(options: comm is null ? null : MpiCommunicator.DeviceOptions());
        output.WriteLine($"Example: {example.Name} — {example.Description}\nDevice: {device}   GEMM: {device.GemmEngineName}{BenchCommand.RecurrenceNote(device)}");
        if (comm is not null)
            output.WriteLine($"Data parallel over {comm.Size} MPI ranks (gradients all-reduced through host memory once per step).");
        var result = example.Run(new ExampleOptions(device, output, outDir, quick, seed, quiet ? 0 : 2, comm));
        Print(output, result, quick);
        CliJson.Write(jsonPath, result);
        output.WriteLine($"Wrote {jsonPath}");
        return 0;
    }

    private static void Print(TextWriter output, ExampleResult r, bool quick)
    {
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n{r.Task}: {r.Model}, {r.Seconds:F0} s on {r.Device}"));
        output.WriteLine($"  {"metric",-34} {"model",10} {"baseline",10}  baseline");
        foreach (var m in r.Metrics)
            output.WriteLine($"  {m.Name,-34} {F(m.Model),10} {F(m.Baseline),10}  {m.BaselineName}{(m.BeatsBaseline ? "" : "  (NOT beaten)")}");
        output.WriteLine(Verdict(r.BeatsBaselines, quick));
    }

    /// <summary>The last line of the table; a --quick run trains too little for the comparison to mean anything.</summary>
    public static string Verdict(bool beats, bool quick) => quick
        ? "--quick: a few steps on a slice, to check that the example runs; these numbers say nothing about the model " +
          $"({(beats ? "it happens to beat" : "it does not beat")} every baseline here). Run without --quick for the real comparison."
        : beats ? "Beats every baseline." : "Does NOT beat every baseline.";
}
