using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// The GRU recurrence (reset_after, Keras 3's default and cuDNN's form) as the same grid of unit slices as
/// <see cref="LstmGridKernels"/>: per step h_{t-1} U for the slice's z, r and h columns from U's slice in shared
/// memory, then <see cref="GruKernels"/>' element math. Step mode (Steps = 1) or persistent (all steps, grid
/// barrier between them). reset_before needs a GEMM between its two halves and keeps the GEMM path.
/// </summary>
public static class GruGridKernels
{
    private const int Gates = 3;

    /// <summary>Forward steps FirstStep .. FirstStep + Steps - 1 (shared memory: U's slice [H, 3 Units + 1], partials [group, 4]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(RecurrentStepArgs args, RecurrenceGrid grid,
        ArrayView<float> recurrentKernel, // [H, 3H]
        ArrayView<float> gates,           // [T, B, 3H] in: x W, out: z, r, h~
        ArrayView<float> recurrent,       // [T, B, 3H] out: h U, its h part + b_rh (backward reads it)
        ArrayView<float> bias,            // [2, 3H], read only when HasBias
        ArrayView<float> mask,            // [T, B], read only when HasMask
        ArrayView<float> h,               // [T+1, B, H] row 0 the initial state
        ArrayView<float> recurrentMask,   // [B, 3H], read only when HasRecurrentDropout
        ArrayView<float> hDropped,        // [T+1, B, 3H], written only when HasRecurrentDropout
        ArrayView<int> barrier)           // [2] grid barrier state, zero between launches
        => ForwardSteps(args, grid, recurrentKernel, gates, recurrent, bias, mask, h, recurrentMask, hDropped, barrier, tf32: false);

    /// <summary><see cref="Forward"/> with each step's recurrent products on TF32 tensor cores (CUDA, sm_80 and later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardTf32(RecurrentStepArgs args, RecurrenceGrid grid, ArrayView<float> recurrentKernel,
        ArrayView<float> gates, ArrayView<float> recurrent, ArrayView<float> bias, ArrayView<float> mask,
        ArrayView<float> h, ArrayView<float> recurrentMask, ArrayView<float> hDropped, ArrayView<int> barrier)
        => ForwardSteps(args, grid, recurrentKernel, gates, recurrent, bias, mask, h, recurrentMask, hDropped, barrier, tf32: true);

    // tf32 is a constant in each entry above, so the inline PTX exists only in the TF32 kernels (older GPUs reject it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardSteps(RecurrentStepArgs args, RecurrenceGrid grid, ArrayView<float> recurrentKernel,
        ArrayView<float> gates, ArrayView<float> recurrent, ArrayView<float> bias, ArrayView<float> mask,
        ArrayView<float> h, ArrayView<float> recurrentMask, ArrayView<float> hDropped, ArrayView<int> barrier, bool tf32)
    {
        int hidden = args.Hidden, batch = args.Batch;
        long bh = (long)batch * hidden;
        bool dropout = args.HasRecurrentDropout != 0;
        tf32 &= !dropout; // per-gate masks give each gate its own left operand: FP32 products then
        var g = GridGroup.Columns(recurrentKernel, hidden, batch, Gates, grid, tf32);
        for (int s = 0; s < grid.Steps; s++)
        {
            int t = grid.FirstStep + s;
            var gatesT = gates.SubView(t * 3 * bh, 3 * bh);
            var recurrentT = recurrent.SubView(t * 3 * bh, 3 * bh);
            var maskT = args.HasMask != 0 ? mask.SubView((long)t * batch, batch) : mask;
            var hPrev = h.SubView(t * bh, bh);
            var droppedNext = dropout ? hDropped.SubView((t + 1) * 3 * bh, 3 * bh) : hDropped;
            g.Tf32Products(false, hPrev);
            for (int first = 0; first < g.Elements; first += g.PerPass) // the same trip count for every thread: barriers inside
            {
                bool live = g.Element(first, out int b, out int jl);
                bool computes = live && (args.HasMask == 0 || maskT[b] != 0f);
                var sums = g.ForwardSums(computes, b, jl, hPrev, recurrentMask, dropout);
                if (g.Part != 0 || !live)
                    continue;
                int j = g.J0 + jl, row = b * 3 * hidden;
                recurrentT[row + j] = sums.A;
                recurrentT[row + hidden + j] = sums.B;
                recurrentT[row + 2 * hidden + j] = sums.C;
                GruKernels.ForwardElement(args, b * hidden + j, gatesT, recurrentT, bias, maskT, hPrev, hPrev, h.SubView((t + 1) * bh, bh),
                    recurrentMask, droppedNext);
            }
            if (s + 1 < grid.Steps)
                GridBarrier.Wait(barrier, Grid.DimX);
        }
    }

    /// <summary>
    /// Backward steps FirstStep down to FirstStep - Steps + 1 (shared memory: U's rows [Units, 3H + 1], partials):
    /// dh_t = the direct part carried in dhRecurrent + dRecurrent_{t+1} U^T (per gate, folded with the recurrent
    /// dropout masks), then <see cref="GruKernels"/>' element backward. dh_0 stays the op's GEMM after the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(RecurrentStepArgs args, RecurrenceGrid grid,
        ArrayView<float> recurrentKernel, // [H, 3H]
        ArrayView<float> dInput,          // [T, B, 3H] out: grads of the input-side pre-activations
        ArrayView<float> dRecurrent,      // [T, B, 3H] out: grads of h U + b_r (step t+1's are read)
        ArrayView<float> gates,           // [T, B, 3H] saved z, r, h~
        ArrayView<float> recurrent,       // [T, B, 3H] saved
        ArrayView<float> mask,            // [T, B], read only when HasMask
        ArrayView<float> h,               // [T+1, B, H]
        ArrayView<float> dhOutput,        // [T, B, H], read only when HasOutputGrad
        ArrayView<float> dhRecurrent,     // [B, H] in: the final h's grad; then the direct part z dh each step leaves
        ArrayView<float> recurrentMask,   // [B, 3H], read only when HasRecurrentDropout
        ArrayView<int> barrier)           // [2]
        => BackwardSteps(args, grid, recurrentKernel, dInput, dRecurrent, gates, recurrent, mask, h, dhOutput, dhRecurrent, recurrentMask, barrier, tf32: false);

    /// <summary><see cref="Backward"/> with each step's recurrent products on TF32 tensor cores (CUDA, sm_80 and later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardTf32(RecurrentStepArgs args, RecurrenceGrid grid, ArrayView<float> recurrentKernel,
        ArrayView<float> dInput, ArrayView<float> dRecurrent, ArrayView<float> gates, ArrayView<float> recurrent,
        ArrayView<float> mask, ArrayView<float> h, ArrayView<float> dhOutput, ArrayView<float> dhRecurrent,
        ArrayView<float> recurrentMask, ArrayView<int> barrier)
        => BackwardSteps(args, grid, recurrentKernel, dInput, dRecurrent, gates, recurrent, mask, h, dhOutput, dhRecurrent, recurrentMask, barrier, tf32: true);

    // tf32 is a constant in each entry above, so the inline PTX exists only in the TF32 kernels (older GPUs reject it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardSteps(RecurrentStepArgs args, RecurrenceGrid grid, ArrayView<float> recurrentKernel,
        ArrayView<float> dInput, ArrayView<float> dRecurrent, ArrayView<float> gates, ArrayView<float> recurrent,
        ArrayView<float> mask, ArrayView<float> h, ArrayView<float> dhOutput, ArrayView<float> dhRecurrent,
        ArrayView<float> recurrentMask, ArrayView<int> barrier, bool tf32)
    {
        int hidden = args.Hidden, batch = args.Batch;
        long bh = (long)batch * hidden;
        bool dropout = args.HasRecurrentDropout != 0;
        tf32 &= !dropout;
        var g = GridGroup.Rows(recurrentKernel, hidden, batch, Gates, grid, tf32);
        for (int s = 0; s < grid.Steps; s++)
        {
            int t = grid.FirstStep - s;
            bool hasNext = t < grid.TotalSteps - 1;
            var dRecurrentT = dRecurrent.SubView(t * 3 * bh, 3 * bh);
            var dRecurrentNext = hasNext ? dRecurrent.SubView((t + 1) * 3 * bh, 3 * bh) : dRecurrentT;
            var maskT = args.HasMask != 0 ? mask.SubView((long)t * batch, batch) : mask;
            var dhOut = args.HasOutputGrad != 0 ? dhOutput.SubView(t * bh, bh) : dhOutput;
            if (hasNext)
                g.Tf32Products(true, dRecurrentNext);
            for (int first = 0; first < g.Elements; first += g.PerPass)
            {
                bool live = g.Element(first, out int b, out int jl);
                var sums = g.BackwardSums(live && hasNext, b, jl, dRecurrentNext);
                if (g.Part != 0 || !live)
                    continue;
                int j = g.J0 + jl, e = b * hidden + j;
                float dh = dhRecurrent[e] + (hasNext ? GridSteps.Fold(sums, recurrentMask, dropout, b * 3 * hidden + j, hidden, Gates) : 0f);
                GruKernels.BackwardElement(args, e, dh, gates.SubView(t * 3 * bh, 3 * bh), recurrent.SubView(t * 3 * bh, 3 * bh), maskT,
                    h.SubView(t * bh, bh), dhOut, dhRecurrent, dhRecurrent, dInput.SubView(t * 3 * bh, 3 * bh), dRecurrentT, recurrentMask,
                    dhRecurrent);
            }
            if (s + 1 < grid.Steps)
                GridBarrier.Wait(barrier, Grid.DimX);
        }
    }
}
