using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Device;

using View = ArrayView<float>;

/// <summary>
/// The kernels of GpuLstm.Kernels loaded for one accelerator. Each is compiled on first use; the
/// host launchers in Ops/ call them through <see cref="ComputeDevice"/> so every launch is counted.
/// </summary>
internal sealed class KernelSet
{
    private readonly Accelerator _accelerator;

    public KernelSet(Accelerator accelerator)
    {
        _accelerator = accelerator;
        _lstmForward = Load<Action<Index1D, int, int, int, int, int, View, View, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, int, View, View, View, View, View>(LstmKernels.LstmPointwiseForward));
        _lstmBackward = Load<Action<Index1D, int, int, int, int, int, int, View, View, View, View, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, int, int, View, View, View, View, View, View, View>(LstmKernels.LstmPointwiseBackward));
        _gemmGridStride = Load<Action<Index1D, int, GemmArgs, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, GemmArgs, View, View, View>(GemmKernels.GemmGridStride));
        _gemmTiled = Load<Action<KernelConfig, GemmArgs, View, View, View>>(
            () => _accelerator.LoadStreamKernel<GemmArgs, View, View, View>(GemmKernels.GemmTiled));
        _biasActivation = Load<Action<Index1D, int, int, int, int, int, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, int, View, View>(ElementwiseKernels.BiasActivationForward));
        _activationBackward = Load<Action<Index1D, int, int, int, float, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, float, View, View, View>(ElementwiseKernels.ActivationBackward));
        _axpby = Load<Action<Index1D, int, int, float, float, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, float, float, View, View>(ElementwiseKernels.Axpby));
        _fill = Load<Action<Index1D, int, int, float, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, float, View>(ElementwiseKernels.Fill));
        _swapLeadingAxes = Load<Action<Index1D, int, int, int, int, float, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, float, View, View>(ElementwiseKernels.SwapLeadingAxes));
        _columnSum = Load<Action<Index1D, int, int, int, float, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, float, View, View>(ReductionKernels.ColumnSum));
        _sumToScalar = Load<Action<Index1D, int, float, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, float, View, View>(ReductionKernels.SumToScalar));
        _sumOfSquaresPartials = Load<Action<Index1D, int, int, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, View, View>(ReductionKernels.SumOfSquaresPartials));
        _binaryCrossEntropy = Load<Action<Index1D, int, int, int, float, View, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, float, View, View, View, View>(LossKernels.BinaryCrossEntropy));
        _categoricalCrossEntropy = Load<Action<Index1D, int, int, int, int, int, float, View, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, int, float, View, View, View, View>(LossKernels.CategoricalCrossEntropy));
        _regressionLoss = Load<Action<Index1D, int, int, int, float, View, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, float, View, View, View, View>(LossKernels.RegressionLoss));
        _sgd = Load<Action<Index1D, int, int, float, float, int, float, View, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, float, float, int, float, View, View, View, View>(OptimizerKernels.SgdUpdate));
        _adam = Load<Action<Index1D, int, int, float, float, float, float, float, View, View, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, float, float, float, float, float, View, View, View, View, View>(OptimizerKernels.AdamUpdate));
        _rmsProp = Load<Action<Index1D, int, int, float, float, float, float, View, View, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, float, float, float, float, View, View, View, View>(OptimizerKernels.RmsPropUpdate));
        _globalNormClipScale = Load<Action<Index1D, int, float, View, View>>(
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, int, float, View, View>(OptimizerKernels.GlobalNormClipScale));
    }

    private static Lazy<T> Load<T>(Func<T> load) => new(load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Lazy<Action<Index1D, int, int, int, int, int, View, View, View, View, View>> _lstmForward;
    private readonly Lazy<Action<Index1D, int, int, int, int, int, int, View, View, View, View, View, View, View>> _lstmBackward;
    private readonly Lazy<Action<Index1D, int, GemmArgs, View, View, View>> _gemmGridStride;
    private readonly Lazy<Action<KernelConfig, GemmArgs, View, View, View>> _gemmTiled;
    private readonly Lazy<Action<Index1D, int, int, int, int, int, View, View>> _biasActivation;
    private readonly Lazy<Action<Index1D, int, int, int, float, View, View, View>> _activationBackward;
    private readonly Lazy<Action<Index1D, int, int, float, float, View, View>> _axpby;
    private readonly Lazy<Action<Index1D, int, int, float, View>> _fill;
    private readonly Lazy<Action<Index1D, int, int, int, int, float, View, View>> _swapLeadingAxes;
    private readonly Lazy<Action<Index1D, int, int, int, float, View, View>> _columnSum;
    private readonly Lazy<Action<Index1D, int, float, View, View>> _sumToScalar;
    private readonly Lazy<Action<Index1D, int, int, View, View>> _sumOfSquaresPartials;
    private readonly Lazy<Action<Index1D, int, int, int, float, View, View, View, View>> _binaryCrossEntropy;
    private readonly Lazy<Action<Index1D, int, int, int, int, int, float, View, View, View, View>> _categoricalCrossEntropy;
    private readonly Lazy<Action<Index1D, int, int, int, float, View, View, View, View>> _regressionLoss;
    private readonly Lazy<Action<Index1D, int, int, float, float, int, float, View, View, View, View>> _sgd;
    private readonly Lazy<Action<Index1D, int, int, float, float, float, float, float, View, View, View, View, View>> _adam;
    private readonly Lazy<Action<Index1D, int, int, float, float, float, float, View, View, View, View>> _rmsProp;
    private readonly Lazy<Action<Index1D, int, float, View, View>> _globalNormClipScale;

    public Action<Index1D, int, int, int, int, int, View, View, View, View, View> LstmForward => _lstmForward.Value;
    public Action<Index1D, int, int, int, int, int, int, View, View, View, View, View, View, View> LstmBackward => _lstmBackward.Value;
    public Action<Index1D, int, GemmArgs, View, View, View> GemmGridStride => _gemmGridStride.Value;
    public Action<KernelConfig, GemmArgs, View, View, View> GemmTiled => _gemmTiled.Value;
    public Action<Index1D, int, int, int, int, int, View, View> BiasActivation => _biasActivation.Value;
    public Action<Index1D, int, int, int, float, View, View, View> ActivationBackward => _activationBackward.Value;
    public Action<Index1D, int, int, float, float, View, View> Axpby => _axpby.Value;
    public Action<Index1D, int, int, float, View> Fill => _fill.Value;
    public Action<Index1D, int, int, int, int, float, View, View> SwapLeadingAxes => _swapLeadingAxes.Value;
    public Action<Index1D, int, int, int, float, View, View> ColumnSum => _columnSum.Value;
    public Action<Index1D, int, float, View, View> SumToScalar => _sumToScalar.Value;
    public Action<Index1D, int, int, View, View> SumOfSquaresPartials => _sumOfSquaresPartials.Value;
    public Action<Index1D, int, int, int, float, View, View, View, View> BinaryCrossEntropy => _binaryCrossEntropy.Value;
    public Action<Index1D, int, int, int, int, int, float, View, View, View, View> CategoricalCrossEntropy => _categoricalCrossEntropy.Value;
    public Action<Index1D, int, int, int, float, View, View, View, View> RegressionLoss => _regressionLoss.Value;
    public Action<Index1D, int, int, float, float, int, float, View, View, View, View> Sgd => _sgd.Value;
    public Action<Index1D, int, int, float, float, float, float, float, View, View, View, View, View> Adam => _adam.Value;
    public Action<Index1D, int, int, float, float, float, float, View, View, View, View> RmsProp => _rmsProp.Value;
    public Action<Index1D, int, float, View, View> GlobalNormClipScale => _globalNormClipScale.Value;
}
