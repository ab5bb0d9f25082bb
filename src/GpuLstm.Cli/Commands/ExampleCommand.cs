using System.Globalization;
using System.Text.Json;
using GpuLstm.Device;
using GpuLstm.Samples;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm example NAME</c>: runs one of the real sequence tasks and prints its metrics beside its baseline.</summary>
public static class ExampleCommand
{
    public static int Run(string[] argv)
    {
        var args = new CliArgs(argv, ["--out", "--seed", "--json"], ["--quick", "--quiet"], "example");
        if (args.Help || args.Positional.Count == 0)
        {
            Console.WriteLine("Usage: gpulstm example NAME [--quick] [--quiet] [--seed N] [--out DIR] [--json PATH]\n\nTasks:");
            foreach (var e in ExampleCatalog.All)
                Console.WriteLine($"  {e.Name,-10} {e.Description}");
            Console.WriteLine("\n--quick runs a small slice for a few steps (what CI runs); the default is the full task.");
            return args.Help ? 0 : 2;
        }
        var example = ExampleCatalog.Find(args.Positional[0]);
        string outDir = args.Text("--out") ?? Path.Combine("gpulstm-runs", example.Name);
        Directory.CreateDirectory(outDir);
        using var device = ComputeDevice.Create();
        Console.WriteLine($"Example: {example.Name} — {example.Description}\nDevice: {device}   GEMM: {device.GemmEngineName}");
        var result = example.Run(new ExampleOptions(device, Console.Out, outDir, args.Flag("--quick"), args.Int("--seed", 0, 0),
            args.Flag("--quiet") ? 0 : 2));
        Print(result);
        string json = args.Text("--json") ?? Path.Combine(outDir, "result.json");
        File.WriteAllText(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Wrote {json}");
        return 0;
    }

    private static void Print(ExampleResult r)
    {
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        Console.WriteLine($"\n{r.Task}: {r.Model}, {r.Seconds:F0} s on {r.Device}");
        Console.WriteLine($"  {"metric",-34} {"model",10} {"baseline",10}  baseline");
        foreach (var m in r.Metrics)
            Console.WriteLine($"  {m.Name,-34} {F(m.Model),10} {F(m.Baseline),10}  {m.BaselineName}{(m.BeatsBaseline ? "" : "  (NOT beaten)")}");
        Console.WriteLine(r.BeatsBaselines ? "Beats every baseline." : "Does NOT beat every baseline.");
    }
}
