using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Device;

using View = ArrayView<float>;

/// <summary>
/// The grid recurrence kernels (LstmGridKernels, GruGridKernels): explicitly grouped, so they go through ILGPU's
/// launcher on every accelerator, the CPU one included (they need real groups, shared memory and barriers).
/// </summary>
internal sealed partial class KernelSet
{
    private Action<KernelConfig, LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>>? _lstmGridForward;
    private Action<KernelConfig, LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>> LoadedLstmGridForward =>
        _lstmGridForward ??= _accelerator.LoadStreamKernel<LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>>(
            LstmGridKernels.Forward);

    public Action<KernelConfig, LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>> LstmGridForward
    {
        get
        {
            var launch = LoadedLstmGridForward;
            return (config, args, grid, u, gates, bias, mask, h, c, recurrentMask, hDropped, barrier) =>
            {
                _countLaunch(nameof(LstmGridForward));
                launch(config, args, grid, u, gates, bias, mask, h, c, recurrentMask, hDropped, barrier);
            };
        }
    }

    private Action<KernelConfig, LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, ArrayView<int>>? _lstmGridBackward;
    private Action<KernelConfig, LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, ArrayView<int>> LoadedLstmGridBackward =>
        _lstmGridBackward ??= _accelerator.LoadStreamKernel<LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, ArrayView<int>>(
            LstmGridKernels.Backward);

    public Action<KernelConfig, LstmStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, ArrayView<int>> LstmGridBackward
    {
        get
        {
            var launch = LoadedLstmGridBackward;
            return (config, args, grid, u, dGates, gates, mask, c, dhOutput, dhRecurrent, dc, recurrentMask, barrier) =>
            {
                _countLaunch(nameof(LstmGridBackward));
                launch(config, args, grid, u, dGates, gates, mask, c, dhOutput, dhRecurrent, dc, recurrentMask, barrier);
            };
        }
    }

    private Action<KernelConfig, RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>>? _gruGridForward;
    private Action<KernelConfig, RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>> LoadedGruGridForward =>
        _gruGridForward ??= _accelerator.LoadStreamKernel<RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>>(
            GruGridKernels.Forward);

    public Action<KernelConfig, RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, ArrayView<int>> GruGridForward
    {
        get
        {
            var launch = LoadedGruGridForward;
            return (config, args, grid, u, gates, recurrent, bias, mask, h, recurrentMask, hDropped, barrier) =>
            {
                _countLaunch(nameof(GruGridForward));
                launch(config, args, grid, u, gates, recurrent, bias, mask, h, recurrentMask, hDropped, barrier);
            };
        }
    }

    private Action<KernelConfig, RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, View, ArrayView<int>>? _gruGridBackward;
    private Action<KernelConfig, RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, View, ArrayView<int>> LoadedGruGridBackward =>
        _gruGridBackward ??= _accelerator.LoadStreamKernel<RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, View, ArrayView<int>>(
            GruGridKernels.Backward);

    public Action<KernelConfig, RecurrentStepArgs, RecurrenceGrid, View, View, View, View, View, View, View, View, View, View, ArrayView<int>> GruGridBackward
    {
        get
        {
            var launch = LoadedGruGridBackward;
            return (config, args, grid, u, dInput, dRecurrent, gates, recurrent, mask, h, dhOutput, dhRecurrent, recurrentMask, barrier) =>
            {
                _countLaunch(nameof(GruGridBackward));
                launch(config, args, grid, u, dInput, dRecurrent, gates, recurrent, mask, h, dhOutput, dhRecurrent, recurrentMask, barrier);
            };
        }
    }

    /// <summary>The loaded forward and backward grid kernels of a cell, for occupancy queries and CUDA attributes.</summary>
    public (Kernel Forward, Kernel Backward) GridKernels(GridPlans.GridCell cell) => cell == GridPlans.GridCell.Lstm
        ? (LoadedLstmGridForward.GetKernel(), LoadedLstmGridBackward.GetKernel())
        : (LoadedGruGridForward.GetKernel(), LoadedGruGridBackward.GetKernel());
}
