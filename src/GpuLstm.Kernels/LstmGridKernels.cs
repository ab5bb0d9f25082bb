using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// The LSTM recurrence as a grid of groups that each own a slice of hidden units (<see cref="RecurrenceGrid"/>):
/// per step the recurrent product for the slice's four gates from its slice of U in shared memory, then the
/// pointwise math of <see cref="LstmKernels"/> (the same element functions). One body serves both modes: launched
/// once per step (step mode, any device) or once per sequence with a grid barrier between steps (persistent, U
/// read from global memory once per sequence instead of once per step). An element's dot products are split over
/// SplitK neighbouring threads and summed in a fixed order, so results do not depend on timing.
/// </summary>
public static class LstmGridKernels
{
    private const int Gates = 4;

    /// <summary>
    /// Forward steps FirstStep .. FirstStep + Steps - 1. Shared memory: U's slice [H, 4 Units + 1] (padded row)
    /// then the partial sums [group size, 4]. Per step as <see cref="LstmKernels.LstmPointwiseForward"/>, on gates
    /// that hold x W: masked rows skip the product, recurrent dropout reads h_t dropped per gate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(LstmStepArgs args, RecurrenceGrid grid,
        ArrayView<float> recurrentKernel, // [H, 4H]
        ArrayView<float> gates,           // [T, B, 4H] in: x W, out: activations
        ArrayView<float> bias,            // [4H], read only when HasBias
        ArrayView<float> mask,            // [T, B], read only when HasMask
        ArrayView<float> h,               // [T+1, B, H] row 0 the initial state
        ArrayView<float> c,               // [T+1, B, H]
        ArrayView<float> recurrentMask,   // [B, 4H], read only when HasRecurrentDropout
        ArrayView<float> hDropped,        // [T+1, B, 4H], written only when HasRecurrentDropout
        ArrayView<int> barrier)           // [2] grid barrier state, zero between launches
        => ForwardSteps(args, grid, recurrentKernel, gates, bias, mask, h, c, recurrentMask, hDropped, barrier, tf32: false);

    /// <summary><see cref="Forward"/> with each step's recurrent products on TF32 tensor cores (CUDA, sm_80 and later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardTf32(LstmStepArgs args, RecurrenceGrid grid, ArrayView<float> recurrentKernel,
        ArrayView<float> gates, ArrayView<float> bias, ArrayView<float> mask, ArrayView<float> h, ArrayView<float> c,
        ArrayView<float> recurrentMask, ArrayView<float> hDropped, ArrayView<int> barrier)
        => ForwardSteps(args, grid, recurrentKernel, gates, bias, mask, h, c, recurrentMask, hDropped, barrier, tf32: true);

    // tf32 is a constant in each entry above, so the inline PTX exists only in the TF32 kernels (older GPUs reject it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardSteps(LstmStepArgs args, RecurrenceGrid grid, ArrayView<float> recurrentKernel,
        ArrayView<float> gates, ArrayView<float> bias, ArrayView<float> mask, ArrayView<float> h, ArrayView<float> c,
        ArrayView<float> recurrentMask, ArrayView<float> hDropped, ArrayView<int> barrier, bool tf32)
    {
        int hidden = args.Hidden, batch = args.Batch;
        long bh = (long)batch * hidden;
        bool dropout = args.HasRecurrentDropout != 0;
        tf32 &= !dropout; // per-gate masks give each gate its own left operand: FP32 products then
        var g = GridGroup.Columns(recurrentKernel, hidden, batch, Gates, grid, tf32);
        for (int s = 0; s < grid.Steps; s++)
        {
            int t = grid.FirstStep + s;
            var gatesT = gates.SubView(t * 4 * bh, 4 * bh);
            var maskT = args.HasMask != 0 ? mask.SubView((long)t * batch, batch) : mask;
            var hPrev = h.SubView(t * bh, bh);
            var droppedNext = dropout ? hDropped.SubView((t + 1) * 4 * bh, 4 * bh) : hDropped;
            g.Tf32Products(false, hPrev);
            for (int first = 0; first < g.Elements; first += g.PerPass) // the same trip count for every thread: barriers inside
            {
                bool live = g.Element(first, out int b, out int jl);
                bool computes = live && (args.HasMask == 0 || maskT[b] != 0f);
                var sums = g.ForwardSums(computes, b, jl, hPrev, recurrentMask, dropout);
                if (g.Part != 0 || !live)
                    continue;
                int j = g.J0 + jl, row = b * 4 * hidden;
                if (computes)
                {
                    gatesT[row + j] += sums.A;
                    gatesT[row + hidden + j] += sums.B;
                    gatesT[row + 2 * hidden + j] += sums.C;
                    gatesT[row + 3 * hidden + j] += sums.D;
                }
                LstmKernels.ForwardElement(args, b * hidden + j, gatesT, bias, maskT, hPrev, c.SubView(t * bh, bh), c.SubView((t + 1) * bh, bh),
                    h.SubView((t + 1) * bh, bh), recurrentMask, droppedNext);
            }
            if (s + 1 < grid.Steps)
                GridBarrier.Wait(barrier, Grid.DimX);
        }
    }

    /// <summary>
    /// Backward steps FirstStep down to FirstStep - Steps + 1. Shared memory: U's rows for the slice [Units, 4H + 1]
    /// then the partial sums [group size, 4]. Per step as <see cref="LstmKernels.LstmPointwiseBackward"/> with the
    /// recurrent gradient dGates_{t+1} U^T computed here (per gate, folded with the recurrent dropout masks). dh_0
    /// for an initial state's gradient stays the op's GEMM after the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(LstmStepArgs args, RecurrenceGrid grid,
        ArrayView<float> recurrentKernel, // [H, 4H]
        ArrayView<float> dGates,          // [T, B, 4H] out: grads of the pre-activations (step t+1's are read)
        ArrayView<float> gates,           // [T, B, 4H] saved activations
        ArrayView<float> mask,            // [T, B], read only when HasMask
        ArrayView<float> c,               // [T+1, B, H]
        ArrayView<float> dhOutput,        // [T, B, H] grads of the outputs, read only when HasOutputGrad
        ArrayView<float> dhRecurrent,     // [B, H] in: the final h's grad; carries what masked rows pass through
        ArrayView<float> dc,              // [B, H] in: the final c's grad, out: dc_0
        ArrayView<float> recurrentMask,   // [B, 4H], read only when HasRecurrentDropout
        ArrayView<int> barrier)           // [2]
        => BackwardSteps(args, grid, recurrentKernel, dGates, gates, mask, c, dhOutput, dhRecurrent, dc, recurrentMask, barrier, tf32: false);

    /// <summary><see cref="Backward"/> with each step's recurrent products on TF32 tensor cores (CUDA, sm_80 and later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardTf32(LstmStepArgs args, RecurrenceGrid grid, ArrayView<float> recurrentKernel,
        ArrayView<float> dGates, ArrayView<float> gates, ArrayView<float> mask, ArrayView<float> c,
        ArrayView<float> dhOutput, ArrayView<float> dhRecurrent, ArrayView<float> dc, ArrayView<float> recurrentMask,
        ArrayView<int> barrier)
        => BackwardSteps(args, grid, recurrentKernel, dGates, gates, mask, c, dhOutput, dhRecurrent, dc, recurrentMask, barrier, tf32: true);

    // tf32 is a constant in each entry above, so the inline PTX exists only in the TF32 kernels (older GPUs reject it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardSteps(LstmStepArgs args, RecurrenceGrid grid, ArrayView<float> recurrentKernel,
        ArrayView<float> dGates, ArrayView<float> gates, ArrayView<float> mask, ArrayView<float> c,
        ArrayView<float> dhOutput, ArrayView<float> dhRecurrent, ArrayView<float> dc, ArrayView<float> recurrentMask,
        ArrayView<int> barrier, bool tf32)
    {
        int hidden = args.Hidden, batch = args.Batch;
        long bh = (long)batch * hidden;
        bool dropout = args.HasRecurrentDropout != 0;
        tf32 &= !dropout;
        // Without masks or dropout dhRecurrent holds dh_{t+1} itself, which the product replaces.
        bool passesThrough = args.HasMask != 0 || dropout;
        var g = GridGroup.Rows(recurrentKernel, hidden, batch, Gates, grid, tf32);
        for (int s = 0; s < grid.Steps; s++)
        {
            int t = grid.FirstStep - s;
            bool hasNext = t < grid.TotalSteps - 1;
            var dGatesT = dGates.SubView(t * 4 * bh, 4 * bh);
            var dGatesNext = hasNext ? dGates.SubView((t + 1) * 4 * bh, 4 * bh) : dGatesT;
            var maskT = args.HasMask != 0 ? mask.SubView((long)t * batch, batch) : mask;
            var dhOut = args.HasOutputGrad != 0 ? dhOutput.SubView(t * bh, bh) : dhOutput;
            if (hasNext)
                g.Tf32Products(true, dGatesNext);
            for (int first = 0; first < g.Elements; first += g.PerPass)
            {
                bool live = g.Element(first, out int b, out int jl);
                var sums = g.BackwardSums(live && hasNext, b, jl, dGatesNext);
                if (g.Part != 0 || !live)
                    continue;
                int j = g.J0 + jl, e = b * hidden + j;
                float dh = !hasNext || passesThrough ? dhRecurrent[e] : 0f;
                if (hasNext)
                    dh += GridSteps.Fold(sums, recurrentMask, dropout, b * 4 * hidden + j, hidden, Gates);
                LstmKernels.BackwardElement(args, e, dh, gates.SubView(t * 4 * bh, 4 * bh), maskT, c.SubView(t * bh, bh),
                    c.SubView((t + 1) * bh, bh), dhOut, dhRecurrent, dc, dGatesT);
            }
            if (s + 1 < grid.Steps)
                GridBarrier.Wait(barrier, Grid.DimX);
        }
    }
}
