using System.Runtime.Intrinsics;
using GpuLstm.Kernels;
using ILGPU;

namespace GpuLstm.Device.Cpu;

using View = ArrayView<float>;

/// <summary>
/// CPU-specialised (SIMD, host pointer) implementations of the hot element-wise kernels, which
/// KernelSet hands out instead of the ILGPU kernel methods when kernels run on host threads. Same
/// delegate signatures as the kernels' launchers; the extent and work-item count are ignored (the
/// implementations split rows across threads themselves) and each launch is counted under the
/// kernel's KernelSet name.
/// </summary>
internal sealed class CpuKernelSet(Action<string> countLaunch)
{
    /// <summary>
    /// Whether these beat the kernel methods here: without hardware Vector256 the vector code would
    /// run emulated (correct, but slower than the scalar kernels), so KernelSet keeps the kernels.
    /// </summary>
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    public Action<Index1D, int, LstmStepArgs, View, View, View, View, View, View, View, View, View> LstmForward { get; } =
        (_, _, args, gates, bias, mask, hPrev, cPrev, cNext, hNext, recurrentMask, hDroppedNext) =>
        {
            countLaunch(nameof(LstmForward));
            CpuLstmPointwise.Forward(args, gates, bias, mask, hPrev, cPrev, cNext, hNext, recurrentMask, hDroppedNext);
        };

    public Action<Index1D, int, LstmStepArgs, View, View, View, View, View, View, View, View, View, View> LstmBackward { get; } =
        (_, _, args, gates, mask, cPrev, cNext, dhOutput, dhRecurrent, dc, dGates, recurrentMask, dhDropped) =>
        {
            countLaunch(nameof(LstmBackward));
            CpuLstmPointwise.Backward(args, gates, mask, cPrev, cNext, dhOutput, dhRecurrent, dc, dGates, recurrentMask, dhDropped);
        };

    public Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View, View, View> GruForward { get; } =
        (_, _, args, gates, recurrent, bias, mask, hPrev, resetHidden, hNext, recurrentMask, hDroppedNext) =>
        {
            countLaunch(nameof(GruForward));
            CpuGruPointwise.Forward(args, gates, recurrent, bias, mask, hPrev, resetHidden, hNext, recurrentMask, hDroppedNext);
        };

    public Action<Index1D, int, RecurrentStepArgs, View, View, View, View, View, View, View, View, View, View, View> GruBackward { get; } =
        (_, _, args, gates, recurrent, mask, hPrev, dhOutput, dhRecurrent, dResetHidden, dInput, dRecurrent, recurrentMask, dhDropped) =>
        {
            countLaunch(nameof(GruBackward));
            CpuGruPointwise.Backward(args, gates, recurrent, mask, hPrev, dhOutput, dhRecurrent, dResetHidden, dInput, dRecurrent, recurrentMask, dhDropped);
        };

    public Action<Index1D, int, int, float, float, float, float, float, View, View, View, View, View> Adam { get; } =
        (_, _, count, alpha, beta1, beta2, epsilon, clipValue, param, grad, m, v, gradScale) =>
        {
            countLaunch(nameof(Adam));
            CpuAdam.Update(count, alpha, beta1, beta2, epsilon, clipValue, param, grad, m, v, gradScale);
        };

    public Action<Index1D, int, int, float, View> Fill { get; } =
        (_, _, count, value, x) =>
        {
            countLaunch(nameof(Fill));
            CpuElementwise.Fill(count, value, x);
        };

    public Action<Index1D, int, int, float, float, View, View> Axpby { get; } =
        (_, _, count, alpha, beta, x, y) =>
        {
            countLaunch(nameof(Axpby));
            CpuElementwise.Axpby(count, alpha, beta, x, y);
        };

    public Action<Index1D, int, int, int, int, int, float, View, View> SwapLeadingAxes { get; } =
        (_, _, dim0, dim1, inner, reverseAxis, beta, src, dst) =>
        {
            countLaunch(nameof(SwapLeadingAxes));
            CpuSwapAxes.SwapLeadingAxes(dim0, dim1, inner, reverseAxis, beta, src, dst);
        };
}
