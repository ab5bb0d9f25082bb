using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace GpuLstm.Device;

/// <summary>
/// The one place a backend is chosen: CUDA, else OpenCL, else the CPU accelerator, unless
/// GPULSTM_DEVICE=cuda|opencl|cpu says otherwise.
/// </summary>
public static class DeviceSelector
{
    public const string EnvironmentVariable = "GPULSTM_DEVICE";

    // PoCL 6.0 (Debian 13) is not safe to initialise from two threads at once: while one thread
    // runs its first device initialisation, a second thread's clGetDeviceIDs returns no devices
    // (pocl_init_devices returns "success" early when an init is in progress), so a context
    // created at the same moment silently lacks the OpenCL device (4 threads creating contexts at
    // once: 1 or 2 of them see it). xUnit creates test fixtures in parallel; one of the first 12
    // OpenCL test runs in CI lost a whole test class to it. Contexts are rare: serialise them.
    private static readonly Lock ContextCreation = new();

    /// <summary>Creates the ILGPU context every GpuLstm-owned device uses (one at a time, see above).</summary>
    internal static Context CreateContext()
    {
        lock (ContextCreation)
            return Context.Create(builder => ConfigureCompiler(builder.Default()));
    }

    /// <summary>
    /// Settings that change generated code, shared by device contexts and the codegen check so the
    /// check compiles exactly what devices run. Algorithms supply exp/log on PTX and OpenCL.
    /// </summary>
    public static Context.Builder ConfigureCompiler(Context.Builder builder) =>
        builder.EnableAlgorithms().Optimize(OptimizationLevel.O1);

    public static DeviceKind? ToKind(AcceleratorType type) => type switch
    {
        AcceleratorType.Cuda => DeviceKind.Cuda,
        AcceleratorType.OpenCL => DeviceKind.OpenCL,
        AcceleratorType.CPU => DeviceKind.Cpu,
        _ => null,
    };

    /// <summary>Parses cuda|opencl|cpu (case-insensitive); anything else is a clear error.</summary>
    public static DeviceKind ParseKind(string text) => text.Trim().ToLowerInvariant() switch
    {
        "cuda" => DeviceKind.Cuda,
        "opencl" => DeviceKind.OpenCL,
        "cpu" => DeviceKind.Cpu,
        _ => throw new ArgumentException(
            $"{EnvironmentVariable}='{text}' is not a device kind; expected cuda, opencl or cpu."),
    };

    /// <summary>The requested kind from the environment, if any.</summary>
    public static DeviceKind? RequestedKind()
    {
        string? value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : ParseKind(value);
    }

    /// <summary>Every accelerator the context sees, in preference order.</summary>
    public static IReadOnlyList<DeviceInfo> List(Context context) =>
        context.Devices
            .Select(d => (Device: d, Kind: ToKind(d.AcceleratorType)))
            .Where(x => x.Kind is not null)
            .Select(x => new DeviceInfo(x.Kind!.Value, x.Device.Name, x.Device.MemorySize, x.Device.WarpSize,
                x.Device.NumMultiprocessors))
            .OrderBy(d => (int)d.Kind)
            .ToList();

    /// <summary>Picks the device for a request (null: best present). Throws naming what is present.</summary>
    public static ILGPU.Runtime.Device Choose(Context context, DeviceKind? requested)
    {
        var candidates = context.Devices
            .Where(d => ToKind(d.AcceleratorType) is not null)
            .OrderBy(d => (int)ToKind(d.AcceleratorType)!.Value)
            .ToList();
        var chosen = requested is null
            ? candidates.FirstOrDefault()
            : candidates.FirstOrDefault(d => ToKind(d.AcceleratorType) == requested);
        if (chosen is not null)
            return chosen;
        string present = string.Join(", ", candidates.Select(d => $"{ToKind(d.AcceleratorType)!.Value.ToString().ToLowerInvariant()} ({d.Name})"));
        throw new InvalidOperationException(
            $"No {requested?.ToString().ToLowerInvariant() ?? "usable"} device is present. Present: {(present.Length == 0 ? "none" : present)}.");
    }
}
