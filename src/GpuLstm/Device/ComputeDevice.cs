using GpuLstm.Memory;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace GpuLstm.Device;

/// <summary>
/// An ILGPU accelerator with what GpuLstm keeps per device: loaded kernels, the GEMM engine, the
/// tensor pool and counters. No global state: a host application may create several, or hand in
/// its own accelerator, which GpuLstm then uses without disposing.
/// </summary>
public sealed class ComputeDevice : IDisposable
{
    private readonly Context? _ownedContext;
    private readonly bool _ownsAccelerator;
    private readonly Lazy<IGemmEngine> _gemm;
    private bool _disposed;

    private ComputeDevice(Accelerator accelerator, Context? ownedContext, bool ownsAccelerator, ComputeDeviceOptions options)
    {
        Kind = DeviceSelector.ToKind(accelerator.AcceleratorType)
            ?? throw new NotSupportedException($"Accelerator type {accelerator.AcceleratorType} is not supported.");
        // Decided now so that an impossible GPULSTM_GEMM or a bad GPULSTM_TF32 fails at creation,
        // and a fall-back is reported then, not at the first GEMM.
        var gemm = GemmEngines.Decide(Kind, options);
        bool tf32 = options.ResolveTf32();
        if (gemm.Warning is { } fallback)
            DeviceWarnings.Emit(options, fallback);
        if (tf32 && gemm.Engine != GemmEngineKind.CuBlas)
            DeviceWarnings.Emit(options, $"TF32 was asked for ({ComputeDeviceOptions.Tf32Variable}=1 or Tf32 = true), but the GEMM engine is {gemm.EngineName}: only cuBLAS uses TF32, so GEMMs stay exact FP32.");
        Accelerator = accelerator;
        _ownedContext = ownedContext;
        _ownsAccelerator = ownsAccelerator;
        Options = options;
        InlinesSmallKernels = Kind == DeviceKind.Cpu && options.InlineSmallCpuKernels;
        if (InlinesSmallKernels && !Cpu.CpuKernelSet.IsSupported)
            DeviceWarnings.Emit(options, "this CPU has no hardware 256-bit vectors (Vector256): the CPU accelerator runs the LSTM/GRU " +
                "pointwise kernels, Adam and the axis swaps as scalar kernel code, ~15-25x slower than its SIMD host code.");
        Kernels = new KernelSet(accelerator, hostThreads: InlinesSmallKernels, countLaunch: name =>
        {
            if (name.Length > 0)
                CountLaunch(name);
        });
        Recurrence = options.ResolveRecurrence();
        if (InlinesSmallKernels && Recurrence == RecurrenceMode.Auto && options.ResolveFuseCpuRecurrence() && Cpu.CpuKernelSet.IsSupported)
        {
            if (Cpu.CpuPanelGemm.IsSupported)
                _hostRecurrence = new Lazy<Cpu.CpuLstmRecurrence>(() => new Cpu.CpuLstmRecurrence(
                    options.RecurrenceThreads ?? Math.Clamp(options.CpuThreads ?? Environment.ProcessorCount, 1, MaxRecurrenceThreads), name => CountLaunch(name)));
            else
                DeviceWarnings.Emit(options, "this CPU has no hardware 512-bit vectors (AVX-512): the CPU accelerator runs the LSTM " +
                    "recurrence as a BLAS GEMM plus a pointwise kernel per step instead of its fused recurrence (slower, most at small shapes).");
        }
        Pool = new TensorPool(this);
        GridRecurrence = new GridPlans.DeviceGrid(this);
        // TF32 mma.sync needs sm_80 or later: elsewhere the grid recurrence stays FP32 (cuBLAS decides for itself).
        GridTf32 = tf32 && accelerator is ILGPU.Runtime.Cuda.CudaAccelerator { Architecture.Major: >= 8 };
        if (tf32 && accelerator is ILGPU.Runtime.Cuda.CudaAccelerator { Architecture: { Major: < 8 } arch })
            DeviceWarnings.Emit(options, $"TF32 was asked for, but this GPU is sm_{arch.Major}{arch.Minor}: TF32 tensor cores need sm_80 or " +
                "later, so the grid recurrence (GPULSTM_RECURRENCE=stepwise|persistent) stays exact FP32.");
        _gemm = new Lazy<IGemmEngine>(() => GemmEngines.Create(this, gemm, tf32));
        GemmEngineName = gemm.EngineName;
        GemmLibrary = gemm.Library;
        UsesTf32 = tf32 && gemm.Engine == GemmEngineKind.CuBlas;
        ReductionMaxFinal = options.ReductionMaxFinal;
        MaxGridStrideThreads = Kind == DeviceKind.Cpu
            // The CPU accelerator simulates GPU threads: a few work items per core run a grid-stride
            // loop near plain-loop speed, where one item per element is ~100x slower.
            ? Math.Max(1, accelerator.NumMultiprocessors) * accelerator.WarpSize
            : Math.Max(1, accelerator.NumMultiprocessors) * accelerator.MaxNumThreadsPerMultiprocessor;
    }

    /// <summary>The best device present, or the one GPULSTM_DEVICE names.</summary>
    /// <param name="kind">null: GPULSTM_DEVICE, else CUDA, OpenCL, CPU in that order.</param>
    /// <param name="options">null: defaults, with GPULSTM_GEMM and GPULSTM_TF32 read from the environment.</param>
    public static ComputeDevice Create(DeviceKind? kind = null, ComputeDeviceOptions? options = null)
    {
        kind ??= DeviceSelector.RequestedKind();
        options ??= new ComputeDeviceOptions();
        var context = DeviceSelector.CreateContext();
        try
        {
            var device = DeviceSelector.Choose(context, kind, options.DeviceIndex);
            if (kind is null && DeviceSelector.MissedNvidiaGpu(device) is { } missed)
                DeviceWarnings.Emit(options, missed);
            var accelerator = device is CPUDevice
                ? CpuDevice().CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel)
                : device.CreateAccelerator(context);
            try
            {
                return new ComputeDevice(accelerator, context, ownsAccelerator: true, options);
            }
            catch
            {
                accelerator.Dispose();
                throw;
            }
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The CPU accelerator runs one OS thread per simulated thread and wakes all of them on every
    /// launch (measured ~35 us per thread here), so it gets exactly one thread per core: warps of
    /// 2 (ILGPU's minimum), one warp per multiprocessor, cores/2 multiprocessors.
    /// </summary>
    private static CPUDevice CpuDevice() =>
        new(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>Uses a host application's accelerator; disposing this device leaves it alive.</summary>
    public static ComputeDevice FromAccelerator(Accelerator accelerator, ComputeDeviceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        return new ComputeDevice(accelerator, ownedContext: null, ownsAccelerator: false, options ?? new ComputeDeviceOptions());
    }

    public Accelerator Accelerator { get; }
    public DeviceKind Kind { get; }
    public DeviceCounters Counters { get; } = new();
    public TensorPool Pool { get; }

    /// <summary>Models sharing this device run one call at a time (their calls share the pool and the stream).</summary>
    internal BusyGuard Busy { get; } = new();
    internal KernelSet Kernels { get; }
    internal IGemmEngine Gemm => _gemm.Value;
    public ComputeDeviceOptions Options { get; }

    /// <summary>cublas, openblas or ilgpu: the engine behind this device's GEMMs.</summary>
    public string GemmEngineName { get; }

    /// <summary>The native library behind the GEMM engine (the cuBLAS or OpenBLAS file loaded); null for ilgpu.</summary>
    public string? GemmLibrary { get; }

    /// <summary>Whether cuBLAS may use TF32 tensor cores here (opt-in; FP32 otherwise).</summary>
    public bool UsesTf32 { get; }
    public string Name => Accelerator.Name;

    /// <summary>
    /// The fused CPU LSTM recurrence (see ComputeDeviceOptions.FuseCpuRecurrence), or null where the
    /// per-step path runs; its threads start at first use.
    /// </summary>
    internal Cpu.CpuLstmRecurrence? HostRecurrence => Recurrence == RecurrenceMode.Auto ? _hostRecurrence?.Value : null;

    /// <summary>
    /// The recurrence mode asked for (options or GPULSTM_RECURRENCE); tests switch it on a shared device
    /// (Auto does not bring back a fused CPU recurrence the device was created without).
    /// </summary>
    internal RecurrenceMode Recurrence { get; set; }

    /// <summary>How LSTM and GRU recurrences run on this device (ComputeDeviceOptions.Recurrence or GPULSTM_RECURRENCE).</summary>
    public RecurrenceMode RecurrenceMode => Recurrence;

    /// <summary>Whether LSTM sequences run the fused CPU recurrence here (CPU accelerator, AVX-512, not turned off).</summary>
    public bool FusesCpuRecurrence => Recurrence == RecurrenceMode.Auto && _hostRecurrence is not null;

    private bool _saidDropoutRunsPerStep;

    /// <summary>
    /// The one place that picks an LSTM recurrence's path (the op's forward and backward ask the same): the grid
    /// recurrence (step mode or persistent) when asked, else the fused CPU recurrence where there is one, else
    /// per-step GEMMs. Recurrent dropout's per-gate masks are not in the fused CPU recurrence, so such a layer takes
    /// the slower per-step path there, and the device says so once.
    /// </summary>
    internal GridPlans.LstmRecurrenceRoute LstmRecurrencePath(bool recurrentDropout, int batch, int hidden)
    {
        if (Recurrence is RecurrenceMode.Stepwise or RecurrenceMode.Persistent)
            return new(null, GridRecurrence.Plan(GridPlans.GridCell.Lstm, Recurrence == RecurrenceMode.Persistent, batch, hidden, GridTf32For(recurrentDropout)));
        if (!FusesCpuRecurrence)
            return new(null, null);
        if (!recurrentDropout)
            return new(HostRecurrence, null);
        if (!_saidDropoutRunsPerStep)
        {
            _saidDropoutRunsPerStep = true;
            DeviceWarnings.Emit(Options, "an LSTM with recurrent dropout runs its recurrence as a GEMM plus a pointwise kernel per step: " +
                "the fused CPU recurrence has no per-gate dropout masks (slower, most at small shapes).");
        }
        return new(null, null);
    }

    /// <summary>
    /// A GRU's path: the grid recurrence's plan when step mode or persistent is asked for and the layer is reset_after
    /// (Keras 3's default); null for per-step GEMMs. reset_before needs a GEMM between its halves, so it keeps the GEMM
    /// path, and the device says so once.
    /// </summary>
    internal GridPlans.RecurrenceGridPlan? GruRecurrencePath(bool resetAfter, int batch, int hidden, bool recurrentDropout)
    {
        if (Recurrence is not (RecurrenceMode.Stepwise or RecurrenceMode.Persistent))
            return null;
        if (resetAfter)
            return GridRecurrence.Plan(GridPlans.GridCell.Gru, Recurrence == RecurrenceMode.Persistent, batch, hidden, GridTf32For(recurrentDropout));
        if (!_saidResetBeforeRunsGemm)
        {
            _saidResetBeforeRunsGemm = true;
            DeviceWarnings.Emit(Options, $"a GRU with reset_after=false runs its recurrence as GEMMs plus pointwise kernels per step, not " +
                $"{RecurrenceModeChoice.Name(Recurrence)}: its reset gate multiplies h before the recurrent GEMM, which the grid kernels do not do.");
        }
        return null;
    }

    private bool _saidResetBeforeRunsGemm;

    /// <summary>
    /// Whether the grid recurrence's products run on TF32 tensor cores: CUDA with TF32 asked for (GPULSTM_TF32=1 or
    /// ComputeDeviceOptions.Tf32, the same opt-in as cuBLAS's) on sm_80 or later, for layers without recurrent dropout (its per-gate
    /// masks make each gate's left operand different). Tests switch it on a shared device.
    /// </summary>
    internal bool GridTf32 { get; set; }

    private bool _saidDropoutStaysFp32;

    /// <summary>Whether a grid recurrence runs on TF32; a layer with recurrent dropout stays FP32, and the device says so once.</summary>
    private bool GridTf32For(bool recurrentDropout)
    {
        if (GridTf32 && recurrentDropout && !_saidDropoutStaysFp32)
        {
            _saidDropoutStaysFp32 = true;
            DeviceWarnings.Emit(Options, "a recurrent layer with recurrent dropout runs the grid recurrence's products in FP32, not TF32: " +
                "its per-gate masks give each gate its own left operand.");
        }
        return GridTf32 && !recurrentDropout;
    }

    /// <summary>The grid recurrence's limits, barrier state and plans on this device.</summary>
    internal GridPlans.DeviceGrid GridRecurrence { get; }

    private readonly Lazy<Cpu.CpuLstmRecurrence>? _hostRecurrence;

    /// <summary>Most threads one recurrence uses: per step there are only B x 4H x H multiply-adds to share.</summary>
    private const int MaxRecurrenceThreads = 16;

    /// <summary>Whether small kernels run on the calling thread (CPU accelerator only).</summary>
    public bool InlinesSmallKernels { get; }

    /// <summary>
    /// Most partial sums a final single-work-item reduction adds up (see Ops.Reduction); tests lower
    /// it so the tree levels, normally reached only on GPUs, also run on the CPU accelerator.
    /// </summary>
    internal int ReductionMaxFinal { get; }

    /// <summary>Upper bound on work items for grid-stride kernels on this accelerator.</summary>
    public int MaxGridStrideThreads { get; }

    /// <summary>
    /// Elements per work item when kernels run on host threads (see <see cref="KernelSet"/>): below
    /// this a second thread costs more to wake than it saves.
    /// </summary>
    public const int CpuWorkPerThread = 2048;

    /// <summary>Work items for a grid-stride launch over <paramref name="work"/> elements.</summary>
    internal int Threads(long work) => InlinesSmallKernels
        ? (int)Math.Clamp(work / CpuWorkPerThread, 1, Environment.ProcessorCount)
        : (int)Math.Clamp(work, 1, MaxGridStrideThreads);

    /// <summary>Per-kernel timing, when <see cref="EnableProfiling"/> was called; null otherwise.</summary>
    public DeviceProfiler? Profiler { get; private set; }

    public DeviceProfiler EnableProfiling() => Profiler ??= new DeviceProfiler(this);

    public void DisableProfiling() => Profiler = null;

    /// <summary>Counts a kernel launch: KernelSet's launchers call it right before launching (Ops.Gemm for GEMMs).</summary>
    internal void CountLaunch(string kernel, string? detail = null)
    {
        ThrowIfDisposed();
        Counters.Launch();
        Profiler?.Mark(kernel, detail);
    }

    private Tensor? _ones;

    /// <summary>
    /// A cached vector of ones of at least <paramref name="length"/> elements, for sums done as GEMMs;
    /// it only grows, so steady-state steps allocate nothing.
    /// </summary>
    internal ArrayView<float> Ones(long length)
    {
        if (_ones is null || _ones.Length < length)
        {
            _ones?.Dispose();
            _ones = Tensor.Allocate(this, [(int)Math.Max(length, 1024)], "ones");
            _ones.Fill(1f);
        }
        return _ones.View.SubView(0, length);
    }

    public void Synchronize() => Accelerator.Synchronize();

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}: {Name}";

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_gemm.IsValueCreated)
            _gemm.Value.Dispose();
        _ones?.Dispose();
        if (_hostRecurrence?.IsValueCreated ?? false)
            _hostRecurrence.Value.Dispose();
        GridRecurrence.Dispose();
        Pool.Dispose();
        if (_ownsAccelerator)
            Accelerator.Dispose();
        _ownedContext?.Dispose();
    }
}
