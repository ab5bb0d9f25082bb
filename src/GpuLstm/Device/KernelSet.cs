using System.Runtime.CompilerServices;
using GpuLstm.Device.Cpu;
using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Device;

using View = ArrayView<float>;

/// <summary>
/// The kernels of GpuLstm.Kernels loaded for one accelerator, each compiled on first use. Host
/// launchers in Ops/ call them with (extent, launched, ...) and count every launch on the device.
/// With hostThreads (CPU accelerator memory only) the same kernel methods run on the calling thread
/// (one work item) or on .NET's thread pool (one work item per core): ILGPU's CPU launcher wakes
/// every simulated thread per launch (~35 us each, measured), which dominated the small
/// per-time-step kernels of an LSTM. The hottest of them (LSTM and GRU pointwise, Adam, axis swaps,
/// fill, axpby) come from <see cref="CpuKernelSet"/> instead: SIMD host code with the kernels' math.
/// </summary>
internal sealed partial class KernelSet(Accelerator accelerator, bool hostThreads, Action<string> countLaunch)
{
    private readonly Accelerator _accelerator = accelerator;
    private readonly bool _hostThreads = hostThreads;

    // Every launcher counts its own launch (named after the kernel property), so call sites need no
    // launch bookkeeping. GEMM kernels are the exception: Ops.Gemm counts a GEMM once, whichever engine runs it.
    private readonly Action<string> _countLaunch = countLaunch;

    /// <summary>The SIMD host implementations, in host-thread mode on CPUs with hardware Vector256; null otherwise.</summary>
    private readonly CpuKernelSet? _cpu = hostThreads && CpuKernelSet.IsSupported ? new CpuKernelSet(countLaunch) : null;

    private Action<Index1D, int, LstmStepArgs, View, View, View, View, View, View, View, View, View>? _lstmForward;
    public Action<Index1D, int, LstmStepArgs, View, View, View, View, View, View, View, View, View> LstmForward => _cpu?.LstmForward ?? Auto(ref _lstmForward, LstmKernels.LstmPointwiseForward);

    private Action<Index1D, int, LstmStepArgs, View, View, View, View, View, View, View, View, View, View>? _lstmBackward;
    public Action<Index1D, int, LstmStepArgs, View, View, View, View, View, View, View, View, View, View> LstmBackward => _cpu?.LstmBackward ?? Auto(ref _lstmBackward, LstmKernels.LstmPointwiseBackward);

    private Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View, View, View>? _gruForward;
    public Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View, View, View> GruForward => _cpu?.GruForward ?? Auto(ref _gruForward, GruKernels.GruPointwiseForward);

    private Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View, View, View, View, View>? _gruBackward;
    public Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View, View, View, View, View> GruBackward => _cpu?.GruBackward ?? Auto(ref _gruBackward, GruKernels.GruPointwiseBackward);

    private Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View>? _simpleRnnForward;
    public Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View> SimpleRnnForward => Auto(ref _simpleRnnForward, SimpleRnnKernels.SimpleRnnPointwiseForward);

    private Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View>? _simpleRnnBackward;
    public Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View> SimpleRnnBackward => Auto(ref _simpleRnnBackward, SimpleRnnKernels.SimpleRnnPointwiseBackward);

    private Action<KernelConfig, GemmArgs, View, View, View>? _gemmTiled;
    public Action<KernelConfig, GemmArgs, View, View, View> GemmTiled =>
        _gemmTiled ??= _accelerator.LoadStreamKernel<GemmArgs, View, View, View>(GemmKernels.GemmTiled);

    private Action<Index1D, int, GemmArgs, View, View, View>? _gemmGridStride;
    public Action<Index1D, int, GemmArgs, View, View, View> GemmGridStride => Auto(ref _gemmGridStride, GemmKernels.GemmGridStride, NotCounted);

    private Action<Index1D, int, int, int, int, int, View, View>? _biasActivation;
    public Action<Index1D, int, int, int, int, int, View, View> BiasActivation => Auto(ref _biasActivation, ElementwiseKernels.BiasActivationForward);

    private Action<Index1D, int, int, int, float, View, View, View>? _activationBackward;
    public Action<Index1D, int, int, int, float, View, View, View> ActivationBackward => Auto(ref _activationBackward, ElementwiseKernels.ActivationBackward);

    private Action<Index1D, int, int, float, float, View, View>? _axpby;
    public Action<Index1D, int, int, float, float, View, View> Axpby => _cpu?.Axpby ?? Auto(ref _axpby, ElementwiseKernels.Axpby);

    private Action<Index1D, int, int, float, int, int, int, View, View, View>? _dropoutForward;
    public Action<Index1D, int, int, float, int, int, int, View, View, View> DropoutForward => Auto(ref _dropoutForward, DropoutKernels.DropoutForward);

    private Action<Index1D, int, int, float, int, View>? _dropoutMask;
    public Action<Index1D, int, int, float, int, View> DropoutMask => Auto(ref _dropoutMask, DropoutKernels.DropoutMask);

    private Action<Index1D, int, int, int, int, int, View, View, View>? _gateDropExpand;
    public Action<Index1D, int, int, int, int, int, View, View, View> GateDropExpand => Auto(ref _gateDropExpand, DropoutKernels.GateDropExpand);

    private Action<Index1D, int, int, int, int, int, float, View, View, View>? _gateDropReduce;
    public Action<Index1D, int, int, int, int, int, float, View, View, View> GateDropReduce => Auto(ref _gateDropReduce, DropoutKernels.GateDropReduce);

    private Action<Index1D, int, int, float, View, View, View>? _multiply;
    public Action<Index1D, int, int, float, View, View, View> Multiply => Auto(ref _multiply, DropoutKernels.Multiply);

    private Action<Index1D, int, int, int, View, View, View>? _gatherRows;
    public Action<Index1D, int, int, int, View, View, View> GatherRows => Auto(ref _gatherRows, IndexKernels.GatherRows);

    private Action<Index1D, int, int, int, View, View, View>? _scatterAddRows;
    public Action<Index1D, int, int, int, View, View, View> ScatterAddRows => Auto(ref _scatterAddRows, IndexKernels.ScatterAddRows);

    private Action<Index1D, int, MetricArgs, View, View, View, View, View>? _metricPartials;
    public Action<Index1D, int, MetricArgs, View, View, View, View, View> MetricPartials => Auto(ref _metricPartials, MetricKernels.MetricPartials);

    private Action<Index1D, ConfusionArgs, View, View, View, View, View>? _confusionPartials;
    public Action<Index1D, ConfusionArgs, View, View, View, View, View> ConfusionPartials => Auto(ref _confusionPartials, MetricKernels.ConfusionPartials);

    private Action<Index1D, int, int, View, View>? _nonZeroMask;
    public Action<Index1D, int, int, View, View> NonZeroMask => Auto(ref _nonZeroMask, ElementwiseKernels.NonZeroMask);

    private Action<Index1D, int, int, int, int, int, int, int, float, View, View>? _copyColumns;
    public Action<Index1D, int, int, int, int, int, int, int, float, View, View> CopyColumns => Auto(ref _copyColumns, ElementwiseKernels.CopyColumns);

    private Action<Index1D, int, int, View, View>? _scaleByDeviceScalar;
    public Action<Index1D, int, int, View, View> ScaleByDeviceScalar => Auto(ref _scaleByDeviceScalar, OptimizerKernels.ScaleByDeviceScalar);

    private Action<Index1D, int, int, float, View>? _fill;
    public Action<Index1D, int, int, float, View> Fill => _cpu?.Fill ?? Auto(ref _fill, ElementwiseKernels.Fill);

    private Action<Index1D, int, int, int, int, int, float, View, View>? _swapLeadingAxes;
    public Action<Index1D, int, int, int, int, int, float, View, View> SwapLeadingAxes => _cpu?.SwapLeadingAxes ?? Auto(ref _swapLeadingAxes, ElementwiseKernels.SwapLeadingAxes);

    private Action<Index1D, int, float, int, View, View>? _sumToScalar;
    public Action<Index1D, int, float, int, View, View> SumToScalar => Auto(ref _sumToScalar, ReductionKernels.SumToScalar);

    private Action<Index1D, int, int, int, View, View>? _softmaxForward;
    public Action<Index1D, int, int, int, View, View> SoftmaxForward => Auto(ref _softmaxForward, SoftmaxKernels.SoftmaxForward);

    private Action<Index1D, int, int, int, float, View, View, View>? _softmaxBackward;
    public Action<Index1D, int, int, int, float, View, View, View> SoftmaxBackward => Auto(ref _softmaxBackward, SoftmaxKernels.SoftmaxBackward);

    private Action<Index1D, int, int, int, float, View, View, View>? _scaleRows;
    public Action<Index1D, int, int, int, float, View, View, View> ScaleRows => Auto(ref _scaleRows, DropoutKernels.ScaleRows);

    private Action<Index1D, int, int, View, View>? _sumStridedStage;
    public Action<Index1D, int, int, View, View> SumStridedStage => Auto(ref _sumStridedStage, ReductionKernels.SumStridedStage);

    private Action<Index1D, int, int, View, View>? _sumOfSquaresPartials;
    public Action<Index1D, int, int, View, View> SumOfSquaresPartials => Auto(ref _sumOfSquaresPartials, ReductionKernels.SumOfSquaresPartials);

    private Action<Index1D, int, LossArgs, View, View, View, View, View, View, View>? _binaryCrossEntropy;
    public Action<Index1D, int, LossArgs, View, View, View, View, View, View, View> BinaryCrossEntropy => Auto(ref _binaryCrossEntropy, LossKernels.BinaryCrossEntropy);

    private Action<Index1D, int, LossArgs, View, View, View, View, View, View, View>? _categoricalCrossEntropy;
    public Action<Index1D, int, LossArgs, View, View, View, View, View, View, View> CategoricalCrossEntropy => Auto(ref _categoricalCrossEntropy, LossKernels.CategoricalCrossEntropy);

    private Action<Index1D, int, LossArgs, View, View, View, View, View, View, View>? _regressionLoss;
    public Action<Index1D, int, LossArgs, View, View, View, View, View, View, View> RegressionLoss => Auto(ref _regressionLoss, LossKernels.RegressionLoss);

    private Action<Index1D, int, int, float, float, int, float, View, View, View, View>? _sgd;
    public Action<Index1D, int, int, float, float, int, float, View, View, View, View> Sgd => Auto(ref _sgd, OptimizerKernels.SgdUpdate);

    private Action<Index1D, int, int, float, float, float, float, float, View, View, View, View, View>? _adam;
    public Action<Index1D, int, int, float, float, float, float, float, View, View, View, View, View> Adam => _cpu?.Adam ?? Auto(ref _adam, OptimizerKernels.AdamUpdate);

    private Action<Index1D, int, int, float, float, float, float, View, View, View, View>? _rmsProp;
    public Action<Index1D, int, int, float, float, float, float, View, View, View, View> RmsProp => Auto(ref _rmsProp, OptimizerKernels.RmsPropUpdate);

    private Action<Index1D, int, float, View, View>? _globalNormClipScale;
    public Action<Index1D, int, float, View, View> GlobalNormClipScale => Auto(ref _globalNormClipScale, OptimizerKernels.GlobalNormClipScale);

    /// <summary>The name that tells a launcher not to count (Ops.Gemm already did).</summary>
    private const string NotCounted = "";

    private Action<Index1D, T1, T2, T3, T4> Auto<T1, T2, T3, T4>(ref Action<Index1D, T1, T2, T3, T4>? slot, Action<Index1D, T1, T2, T3, T4> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4);
            }
            : (e, a1, a2, a3, a4) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5> Auto<T1, T2, T3, T4, T5>(ref Action<Index1D, T1, T2, T3, T4, T5>? slot, Action<Index1D, T1, T2, T3, T4, T5> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5);
            }
            : (e, a1, a2, a3, a4, a5) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6> Auto<T1, T2, T3, T4, T5, T6>(ref Action<Index1D, T1, T2, T3, T4, T5, T6>? slot, Action<Index1D, T1, T2, T3, T4, T5, T6> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5, a6) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5, a6);
            }
            : (e, a1, a2, a3, a4, a5, a6) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5, a6);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5, a6));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7> Auto<T1, T2, T3, T4, T5, T6, T7>(ref Action<Index1D, T1, T2, T3, T4, T5, T6, T7>? slot, Action<Index1D, T1, T2, T3, T4, T5, T6, T7> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5, a6, a7) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5, a6, a7);
            }
            : (e, a1, a2, a3, a4, a5, a6, a7) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5, a6, a7);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5, a6, a7));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8> Auto<T1, T2, T3, T4, T5, T6, T7, T8>(ref Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8>? slot, Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5, a6, a7, a8) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5, a6, a7, a8);
            }
            : (e, a1, a2, a3, a4, a5, a6, a7, a8) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5, a6, a7, a8);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5, a6, a7, a8));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9> Auto<T1, T2, T3, T4, T5, T6, T7, T8, T9>(ref Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9>? slot, Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5, a6, a7, a8, a9) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5, a6, a7, a8, a9);
            }
            : (e, a1, a2, a3, a4, a5, a6, a7, a8, a9) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5, a6, a7, a8, a9);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5, a6, a7, a8, a9));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> Auto<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>(ref Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>? slot, Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
            }
            : (e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5, a6, a7, a8, a9, a10));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> Auto<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>(ref Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>? slot, Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
            }
            : (e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> Auto<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12>(ref Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12>? slot, Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct where T12 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12);
            }
            : (e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12));
        };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> Auto<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13>(ref Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13>? slot, Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> kernel,
        [CallerMemberName] string name = "")
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct where T12 : struct where T13 : struct
    {
        if (slot is not null)
            return slot;
        var launch = _accelerator.LoadAutoGroupedStreamKernel(kernel);
        return slot = !_hostThreads
            ? (e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13) =>
            {
                _countLaunch(name);
                launch(e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13);
            }
            : (e, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13) =>
        {
            _countLaunch(name);
            if (e.X == 1)
                kernel(Index1D.Zero, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13);
            else
                Parallel.For(0, e.X, i => kernel(new Index1D(i), a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13));
        };
    }
}
