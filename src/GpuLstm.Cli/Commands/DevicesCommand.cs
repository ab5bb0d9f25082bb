using GpuLstm.Device;
using ILGPU;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm devices</c>: every accelerator ILGPU sees, and the one GpuLstm would choose.</summary>
public static class DevicesCommand
{
    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine("Usage: gpulstm devices\n\nLists name, type, memory, warp size and multiprocessors of each accelerator;\n'*' marks the one chosen (GPULSTM_DEVICE=cuda|opencl|cpu overrides).");
            return 0;
        }
        if (args.Length > 0)
            return Program.Fail($"devices takes no arguments, got '{args[0]}'.");
        using var context = Context.Create(b => b.Default());
        var devices = DeviceSelector.List(context);
        var chosen = DeviceSelector.Choose(context, DeviceSelector.RequestedKind());
        Console.WriteLine($"  {"Type",-7} {"Name",-44} {"Memory",10} {"Warp",5} {"SMs",5}");
        foreach (var d in devices)
        {
            bool isChosen = d.Name == chosen.Name && d.Kind == DeviceSelector.ToKind(chosen.AcceleratorType);
            Console.WriteLine($"{(isChosen ? "*" : " ")} {d.Kind.ToString().ToLowerInvariant(),-7} {Truncate(d.Name, 44),-44} {FormatBytes(d.MemoryBytes),10} {d.WarpSize,5} {d.Multiprocessors,5}");
        }
        var chosenKind = DeviceSelector.ToKind(chosen.AcceleratorType)!.Value;
        Console.WriteLine($"Chosen: {chosenKind.ToString().ToLowerInvariant()} ({chosen.Name})");
        if (chosenKind == DeviceKind.Cpu)
            Console.WriteLine($"(GpuLstm runs the CPU accelerator with one simulated thread per core, {Environment.ProcessorCount} here, " +
                "and small kernels on the calling thread; GEMMs use OpenBLAS when installed.)");
        return 0;
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 50 => "host RAM",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        _ => $"{bytes / 1024.0:F1} KiB",
    };
}
