
namespace GpuLstm.Device;

/// <summary>
/// How a <see cref="ComputeDevice"/> is set up. Properties left null take their value from the
/// environment (GPULSTM_GEMM, GPULSTM_TF32), so a program and a shell agree by default.
/// </summary>
public sealed record ComputeDeviceOptions
{
    public const string Tf32Variable = "GPULSTM_TF32";

    /// <summary>
    /// On the CPU accelerator, run kernels on the calling thread or .NET's thread pool instead of through
    /// ILGPU's launcher (much lower latency): the kernel method itself, or for the hot element-wise
    /// kernels (LSTM/GRU pointwise, Adam, axis swaps, fill, axpby) SIMD host code with the same math. Tests turn it
    /// off to cover the launcher.
    /// </summary>
    public bool InlineSmallCpuKernels { get; init; } = true;

    /// <summary>
    /// With <see cref="InlineSmallCpuKernels"/>, run each LSTM sequence's recurrence as one parallel
    /// region on the CPU cores (their share of the recurrent weights packed once, the per-step product
    /// and the gate math fused; needs AVX-512) instead of a BLAS GEMM and a pointwise kernel per step.
    /// Off: the per-step path every other accelerator runs (tests compare the two). Null:
    /// GPULSTM_FUSE_CPU_RECURRENCE=0 turns it off, else on.
    /// </summary>
    public bool? FuseCpuRecurrence { get; init; }

    public const string FuseCpuRecurrenceVariable = "GPULSTM_FUSE_CPU_RECURRENCE";

    /// <summary>Tests set the fused recurrence's team size (default: <see cref="CpuThreads"/>, else one thread per processor, at most 16).</summary>
    internal int? RecurrenceThreads { get; init; }

    /// <summary>
    /// On the CPU accelerator, the most threads this device's host work uses: the fused recurrence's team and
    /// OpenBLAS's threads for its large GEMMs (null: one per processor). Several processes sharing a machine
    /// (data-parallel ranks) give each its share of the cores, so they do not oversubscribe them.
    /// </summary>
    public int? CpuThreads
    {
        get => _cpuThreads;
        init => _cpuThreads = value is null or >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(CpuThreads), value, "ComputeDeviceOptions.CpuThreads must be at least 1 (or null: one per processor).");
    }

    private readonly int? _cpuThreads;

    /// <summary>
    /// Which of several devices like the best one to use (e.g. GPU 0-3), modulo their count; data-parallel
    /// ranks pass their local rank (GpuLstm.Mpi's MpiCommunicator.LocalRank). Default 0.
    /// </summary>
    public int DeviceIndex { get; init; }

    /// <summary>How LSTM recurrences run; null: GPULSTM_RECURRENCE, else <see cref="RecurrenceMode.Auto"/>.</summary>
    public RecurrenceMode? Recurrence { get; init; }

    /// <summary>The GEMM engine; null: GPULSTM_GEMM, else <see cref="GemmEngineKind.Auto"/>.</summary>
    public GemmEngineKind? Gemm { get; init; }

    /// <summary>
    /// Let cuBLAS use TF32 tensor cores for float GEMMs (about 10 mantissa bits per product instead
    /// of 23; PyTorch's cuDNN default). Null: GPULSTM_TF32=1, else off (exact FP32). Only cuBLAS uses it.
    /// </summary>
    public bool? Tf32 { get; init; }

    /// <summary>
    /// Where warnings go (e.g. an automatic fall-back to a slower GEMM). Null: standard error, each
    /// distinct warning once per process.
    /// </summary>
    public Action<string>? Warning { get; init; }

    /// <summary>Tests stand in for the library search with these (a machine has what it has).</summary>
    internal Func<LibraryProbe>? CuBlasProbe { get; init; }

    internal Func<LibraryProbe>? OpenBlasProbe { get; init; }

    /// <summary>See ComputeDevice.ReductionMaxFinal.</summary>
    internal int ReductionMaxFinal { get; init; } = DefaultReductionMaxFinal;

    /// <summary>Ops.Reduction's final width: at most this many partials for a single work item.</summary>
    internal const int DefaultReductionMaxFinal = 1024;

    internal RecurrenceMode ResolveRecurrence() => Recurrence ?? RecurrenceModeChoice.FromEnvironment();

    internal GemmEngineKind ResolveGemm() => Gemm ?? GemmEngineChoice.FromEnvironment();

    internal bool ResolveTf32() => Tf32 ?? ParseTf32(Environment.GetEnvironmentVariable(Tf32Variable));

    internal bool ResolveFuseCpuRecurrence() => ResolveFuseCpuRecurrenceFrom(Environment.GetEnvironmentVariable(FuseCpuRecurrenceVariable));

    internal bool ResolveFuseCpuRecurrenceFrom(string? variable) =>
        FuseCpuRecurrence ?? ParseSwitch(FuseCpuRecurrenceVariable, variable, unset: true);

    internal static bool ParseTf32(string? text) => ParseSwitch(Tf32Variable, text, unset: false);

    private static bool ParseSwitch(string variable, string? text, bool unset)
    {
        return text?.Trim().ToLowerInvariant() switch
        {
            null or "" => unset,
            "0" or "false" or "off" => false,
            "1" or "true" or "on" => true,
            _ => throw new ArgumentException($"{variable}='{text}' is not valid; expected 1 or 0 (also true/false, on/off)."),
        };
    }
}
