using System.CommandLine;
using GpuLstm.Cli.Parsing;
using GpuLstm.Device;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm devices</c>: every accelerator ILGPU sees, and the one GpuLstm would choose.</summary>
public static class DevicesCommand
{
    private const string Details = """
        Lists each accelerator ILGPU sees: backend, what it is (gpu/cpu), name, memory, warp size,
        multiprocessors and the GEMM engine a GpuLstm device on it would use. '*' marks the one
        chosen: a CUDA GPU, else an OpenCL GPU, else the CPU accelerator (an OpenCL CPU device
        is used only when GPULSTM_DEVICE=opencl asks for it). GPULSTM_GEMM, GPULSTM_CUBLAS and
        GPULSTM_TF32 change the GEMM column.
        """;

    public static Command Create()
    {
        var command = new DetailedCommand("devices", "list the accelerators ILGPU sees and which one GpuLstm would choose", Details);
        command.SetAction(p => Run(p.InvocationConfiguration.Output));
        return command;
    }

    public static int Run(TextWriter output)
    {
        using var context = DeviceSelector.CreateContext();
        var requested = DeviceSelector.RequestedKind();
        var devices = DeviceSelector.List(context, requested: requested);
        var chosen = DeviceSelector.Choose(context, requested);
        var chosenKind = DeviceSelector.ToKind(chosen.AcceleratorType)!.Value;
        output.WriteLine($"  {"Backend",-7} {"Type",-4} {"Name",-40} {"Memory",10} {"Warp",5} {"SMs",5}  GEMM");
        foreach (var d in devices)
        {
            bool isChosen = d.Chosen;
            output.WriteLine($"{(isChosen ? "*" : " ")} {Lower(d.Kind),-7} {Lower(d.Type),-4} {Truncate(d.Name, 40),-40} {FormatBytes(d.MemoryBytes),10} {d.WarpSize,5} {d.Multiprocessors,5}  {d.Gemm}");
        }
        output.WriteLine($"Chosen: {Lower(chosenKind)} ({chosen.Name})");
        if (chosenKind == DeviceKind.Cpu)
            output.WriteLine($"(GpuLstm runs the CPU accelerator with one simulated thread per core, {Environment.ProcessorCount} here, " +
                "and small kernels on the calling thread.)");
        // The list shows every device; a chosen one that cannot be set up makes the command fail.
        if (devices.First(d => d.Chosen).Gemm is { } gemm && gemm.StartsWith("error: ", StringComparison.Ordinal))
            throw new InvalidOperationException($"the chosen device cannot be set up: {gemm["error: ".Length..]}");
        return 0;
    }

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 50 => "host RAM",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        _ => $"{bytes / 1024.0:F1} KiB",
    };
}
