using GpuLstm.Device.GridPlans;
using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Device;

using View = ArrayView<float>;
using LstmGridForwardLaunch = Action<KernelConfig, LstmStepArgs, RecurrenceGrid, ArrayView<float>, ArrayView<float>, ArrayView<float>,
    ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>;
using LstmGridBackwardLaunch = Action<KernelConfig, LstmStepArgs, RecurrenceGrid, ArrayView<float>, ArrayView<float>, ArrayView<float>,
    ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>;
using GruGridForwardLaunch = Action<KernelConfig, RecurrentStepArgs, RecurrenceGrid, ArrayView<float>, ArrayView<float>, ArrayView<float>,
    ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>;
using GruGridBackwardLaunch = Action<KernelConfig, RecurrentStepArgs, RecurrenceGrid, ArrayView<float>, ArrayView<float>, ArrayView<float>,
    ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
    ArrayView<int>>;

/// <summary>
/// The grid recurrence kernels (LstmGridKernels, GruGridKernels), each in an FP32 and a TF32 entry: explicitly
/// grouped, so they go through ILGPU's launcher on every accelerator, the CPU one included (they need real groups,
/// shared memory and barriers). Each launch is counted under the FP32 entry's name.
/// </summary>
internal sealed partial class KernelSet
{
    private readonly LstmGridForwardLaunch?[] _lstmGridForward = new LstmGridForwardLaunch?[2];
    private readonly LstmGridBackwardLaunch?[] _lstmGridBackward = new LstmGridBackwardLaunch?[2];
    private readonly GruGridForwardLaunch?[] _gruGridForward = new GruGridForwardLaunch?[2];
    private readonly GruGridBackwardLaunch?[] _gruGridBackward = new GruGridBackwardLaunch?[2];

    private LstmGridForwardLaunch LoadedLstmGridForward(bool tf32) => _lstmGridForward[tf32 ? 1 : 0] ??=
        _accelerator.LoadStreamKernel<LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>>(
            tf32 ? LstmGridKernels.ForwardTf32 : LstmGridKernels.Forward);

    private LstmGridBackwardLaunch LoadedLstmGridBackward(bool tf32) => _lstmGridBackward[tf32 ? 1 : 0] ??=
        _accelerator.LoadStreamKernel<LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, ArrayView<int>>(
            tf32 ? LstmGridKernels.BackwardTf32 : LstmGridKernels.Backward);

    private GruGridForwardLaunch LoadedGruGridForward(bool tf32) => _gruGridForward[tf32 ? 1 : 0] ??=
        _accelerator.LoadStreamKernel<RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>>(
            tf32 ? GruGridKernels.ForwardTf32 : GruGridKernels.Forward);

    private GruGridBackwardLaunch LoadedGruGridBackward(bool tf32) => _gruGridBackward[tf32 ? 1 : 0] ??=
        _accelerator.LoadStreamKernel<RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, View,
            ArrayView<int>>(tf32 ? GruGridKernels.BackwardTf32 : GruGridKernels.Backward);

    public LstmGridForwardLaunch LstmGridForward(bool tf32)
    {
        var launch = LoadedLstmGridForward(tf32);
        return (config, args, grid, u, gates, bias, mask, h, c, recurrentMask, hDropped, barrier) =>
        {
            _countLaunch(nameof(LstmGridForward));
            launch(config, args, grid, u, gates, bias, mask, h, c, recurrentMask, hDropped, barrier);
        };
    }

    public LstmGridBackwardLaunch LstmGridBackward(bool tf32)
    {
        var launch = LoadedLstmGridBackward(tf32);
        return (config, args, grid, u, dGates, gates, mask, c, dhOutput, dhRecurrent, dc, recurrentMask, barrier) =>
        {
            _countLaunch(nameof(LstmGridBackward));
            launch(config, args, grid, u, dGates, gates, mask, c, dhOutput, dhRecurrent, dc, recurrentMask, barrier);
        };
    }

    public GruGridForwardLaunch GruGridForward(bool tf32)
    {
        var launch = LoadedGruGridForward(tf32);
        return (config, args, grid, u, gates, recurrent, bias, mask, h, recurrentMask, hDropped, barrier) =>
        {
            _countLaunch(nameof(GruGridForward));
            launch(config, args, grid, u, gates, recurrent, bias, mask, h, recurrentMask, hDropped, barrier);
        };
    }

    public GruGridBackwardLaunch GruGridBackward(bool tf32)
    {
        var launch = LoadedGruGridBackward(tf32);
        return (config, args, grid, u, dInput, dRecurrent, gates, recurrent, mask, h, dhOutput, dhRecurrent, recurrentMask, barrier) =>
        {
            _countLaunch(nameof(GruGridBackward));
            launch(config, args, grid, u, dInput, dRecurrent, gates, recurrent, mask, h, dhOutput, dhRecurrent, recurrentMask, barrier);
        };
    }

    /// <summary>The loaded forward and backward grid kernels of a cell (FP32 or TF32), for occupancy queries and CUDA attributes.</summary>
    public (Kernel Forward, Kernel Backward) GridKernels(GridCell cell, bool tf32) => cell == GridCell.Lstm
        ? (LoadedLstmGridForward(tf32).GetKernel(), LoadedLstmGridBackward(tf32).GetKernel())
        : (LoadedGruGridForward(tf32).GetKernel(), LoadedGruGridBackward(tf32).GetKernel());
}
