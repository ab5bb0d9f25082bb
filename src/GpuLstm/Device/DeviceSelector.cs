using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

namespace GpuLstm.Device;

/// <summary>
/// The one place a backend is chosen. Unasked, GpuLstm takes a CUDA GPU, else an OpenCL GPU, else
/// ILGPU's CPU accelerator; an OpenCL CPU device (PoCL) is far slower than the CPU accelerator, so it
/// is used only when GPULSTM_DEVICE=opencl (or <see cref="DeviceKind.OpenCL"/>) asks for it.
/// </summary>
public static class DeviceSelector
{
    public const string EnvironmentVariable = "GPULSTM_DEVICE";

    // PoCL 6.0 (Debian 13) is not safe to initialise from two threads at once: while one thread runs
    // its first device initialisation, another thread's clGetDeviceIDs returns no devices, so a
    // context created at that moment silently lacks the OpenCL device (seen with xunit creating
    // fixtures in parallel). Contexts are rare: create them one at a time.
    private static readonly Lock ContextCreation = new();

    /// <summary>Creates the ILGPU context every GpuLstm-owned device uses (one at a time, see above).</summary>
    public static Context CreateContext()
    {
        NativeLibraries.Install();
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

    public static ProcessorType TypeOf(ILGPU.Runtime.Device device) => device switch
    {
        CLDevice cl when cl.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_GPU) => ProcessorType.Gpu,
        CLDevice cl when cl.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_CPU) => ProcessorType.Cpu,
        CLDevice => ProcessorType.Other,
        _ when device.AcceleratorType == AcceleratorType.Cuda => ProcessorType.Gpu,
        _ when device.AcceleratorType == AcceleratorType.CPU => ProcessorType.Cpu,
        _ => ProcessorType.Other,
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

    /// <summary>
    /// Preference among devices: GPUs before the CPU accelerator, CUDA before OpenCL. Null: never
    /// chosen unasked (an OpenCL device that is not a GPU).
    /// </summary>
    private static int? AutomaticRank(ILGPU.Runtime.Device d) => AutomaticRank(ToKind(d.AcceleratorType), TypeOf(d));

    internal static int? AutomaticRank(DeviceKind? kind, ProcessorType type) => (kind, type) switch
    {
        (DeviceKind.Cuda, _) => 0,
        (DeviceKind.OpenCL, ProcessorType.Gpu) => 1,
        (DeviceKind.Cpu, _) => 2,
        _ => null,
    };

    /// <summary>Every accelerator the context sees, in preference order, with the GEMM engine each would use.</summary>
    public static IReadOnlyList<DeviceInfo> List(Context context, ComputeDeviceOptions? options = null, DeviceKind? requested = null)
    {
        options ??= new ComputeDeviceOptions();
        ILGPU.Runtime.Device? chosen;
        try
        {
            chosen = Choose(context, requested);
        }
        catch (InvalidOperationException)
        {
            chosen = null;
        }
        return Usable(context)
            .Select(d => new DeviceInfo(ToKind(d.AcceleratorType)!.Value, TypeOf(d), d.Name, d.MemorySize, d.WarpSize,
                d.NumMultiprocessors, DescribeGemm(ToKind(d.AcceleratorType)!.Value, options), ReferenceEquals(d, chosen)))
            .ToList();
    }

    private static string DescribeGemm(DeviceKind kind, ComputeDeviceOptions options)
    {
        try
        {
            var decision = GemmEngines.Decide(kind, options);
            string name = decision.Engine == GemmEngineKind.CuBlas && options.ResolveTf32() ? "cublas (tf32)" : decision.EngineName;
            // Which OpenBLAS kernels run matters 4x here (a fallback to SSE3 kernels is overridden: OpenBlasLibrary).
            string? kernels = decision.Engine == GemmEngineKind.OpenBlas ? OpenBlasGemmEngine.Kernels : null;
            string library = decision.Library is null ? "" : kernels is null ? $" ({decision.Library})" : $" ({decision.Library}, {kernels} kernels)";
            return decision.Warning is null ? name + library : $"{name} (fall-back: {decision.Warning})";
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return $"error: {e.Message}";
        }
    }

    private static List<ILGPU.Runtime.Device> Usable(Context context) =>
        context.Devices
            .Where(d => ToKind(d.AcceleratorType) is not null)
            .OrderBy(d => AutomaticRank(d) ?? 3)
            .ToList();

    /// <summary>
    /// Picks the device for a request (null: best present). Throws naming what is present. With several
    /// devices like the best one (same kind and type, e.g. 4 CUDA GPUs), <paramref name="index"/> picks among
    /// them, modulo their count: data-parallel ranks pass their local rank so each drives its own GPU.
    /// </summary>
    public static ILGPU.Runtime.Device Choose(Context context, DeviceKind? requested, int index = 0)
    {
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(index), index, "ComputeDeviceOptions.DeviceIndex must be 0 or more (it counts devices like the best one).");
        var candidates = Usable(context);
        var chosen = requested is null
            ? candidates.FirstOrDefault(d => AutomaticRank(d) is not null)
            // Asked for a kind: its GPUs first (the list is already in that order).
            : candidates.FirstOrDefault(d => ToKind(d.AcceleratorType) == requested);
        if (chosen is not null)
        {
            var alike = candidates.Where(d => d.AcceleratorType == chosen.AcceleratorType && TypeOf(d) == TypeOf(chosen)).ToList();
            return alike[index % alike.Count];
        }
        string present = string.Join(", ", candidates.Select(d =>
            $"{ToKind(d.AcceleratorType)!.Value.ToString().ToLowerInvariant()} ({d.Name}, {TypeOf(d).ToString().ToLowerInvariant()})"));
        throw new InvalidOperationException(
            $"No {requested?.ToString().ToLowerInvariant() ?? "usable"} device is present. Present: {(present.Length == 0 ? "none" : present)}.");
    }

    /// <summary>
    /// A warning when the CPU was chosen unasked although an NVIDIA driver is loaded: then ILGPU
    /// could not reach CUDA (driver library missing or broken), which must not pass silently.
    /// </summary>
    internal static string? MissedNvidiaGpu(ILGPU.Runtime.Device chosen) =>
        chosen.AcceleratorType != AcceleratorType.Cuda && Directory.Exists("/proc/driver/nvidia")
            ? $"an NVIDIA driver is loaded (/proc/driver/nvidia) but no CUDA device was usable (is libcuda.so.1 loadable?); running on {ToKind(chosen.AcceleratorType)?.ToString().ToLowerInvariant()} ({chosen.Name}). Set GPULSTM_DEVICE to choose explicitly."
            : null;

    /// <summary>Null when a device of <paramref name="kind"/> can be chosen here; else why not.</summary>
    public static string? Probe(DeviceKind kind)
    {
        using var context = CreateContext();
        try
        {
            Choose(context, kind);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }
}
