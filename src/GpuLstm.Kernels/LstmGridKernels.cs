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
    {
        var shared = SharedMemory.GetDynamic<float>();
        int hidden = args.Hidden, batch = args.Batch, units = grid.Units, lane = Group.IdxX, size = Group.DimX;
        int j0 = Grid.IdxX * units, stride = 4 * units + 1;
        var slice = shared.SubView(0, hidden * stride);                   // [H, 4 Units + 1]
        var partials = shared.SubView(hidden * stride, size * 4);        // [group size, 4]
        for (int x = lane; x < hidden * 4 * units; x += size)
        {
            int k = x / (4 * units), r = x - k * 4 * units, gate = r / units, jl = r - gate * units;
            slice[k * stride + r] = j0 + jl < hidden ? recurrentKernel[k * 4 * hidden + gate * hidden + j0 + jl] : 0f;
        }
        Group.Barrier();

        long bh = (long)batch * hidden;
        int elements = batch * units, split = grid.SplitK, perPass = size / split;
        int part = lane % split, own = lane / split;
        for (int s = 0; s < grid.Steps; s++)
        {
            int t = grid.FirstStep + s;
            var gatesT = gates.SubView(t * 4 * bh, 4 * bh);
            var maskT = args.HasMask != 0 ? mask.SubView((long)t * batch, batch) : mask;
            var hPrev = h.SubView(t * bh, bh);
            var hNext = h.SubView((t + 1) * bh, bh);
            var cPrev = c.SubView(t * bh, bh);
            var cNext = c.SubView((t + 1) * bh, bh);
            var droppedNext = args.HasRecurrentDropout != 0 ? hDropped.SubView((t + 1) * 4 * bh, 4 * bh) : hDropped;
            for (int first = 0; first < elements; first += perPass) // the same trip count for every thread: barriers inside
            {
                int el = first + own, b = el / units, j = j0 + el - b * units;
                bool live = el < elements && j < hidden;
                bool computes = live && (args.HasMask == 0 || maskT[b] != 0f);
                int row = b * 4 * hidden, jl = j - j0;
                float si = 0f, sf = 0f, sg = 0f, so = 0f;
                if (computes)
                {
                    for (int k = part; k < hidden; k += split)
                    {
                        float hk = hPrev[b * hidden + k];
                        float hi = hk, hf = hk, hg = hk, ho = hk;
                        if (args.HasRecurrentDropout != 0)
                        {
                            hi *= recurrentMask[row + k];
                            hf *= recurrentMask[row + hidden + k];
                            hg *= recurrentMask[row + 2 * hidden + k];
                            ho *= recurrentMask[row + 3 * hidden + k];
                        }
                        int u = k * stride + jl;
                        si += hi * slice[u];
                        sf += hf * slice[u + units];
                        sg += hg * slice[u + 2 * units];
                        so += ho * slice[u + 3 * units];
                    }
                }
                // Barriers outside any branch: inside `if (split > 1)` PoCL 6 summed wrongly (one group, seen in the tests).
                Store(partials, lane, si, sf, sg, so);
                Group.Barrier();
                if (part == 0 && computes)
                    SumParts(partials, lane, split, ref si, ref sf, ref sg, ref so);
                if (part == 0 && live)
                {
                    if (computes)
                    {
                        gatesT[row + j] += si;
                        gatesT[row + hidden + j] += sf;
                        gatesT[row + 2 * hidden + j] += sg;
                        gatesT[row + 3 * hidden + j] += so;
                    }
                    LstmKernels.ForwardElement(args, b * hidden + j, gatesT, bias, maskT, hPrev, cPrev, cNext, hNext,
                        recurrentMask, droppedNext);
                }
                Group.Barrier(); // the partials are reused by the next pass
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
    {
        var shared = SharedMemory.GetDynamic<float>();
        int hidden = args.Hidden, batch = args.Batch, units = grid.Units, lane = Group.IdxX, size = Group.DimX;
        int j0 = Grid.IdxX * units, stride = 4 * hidden + 1;
        var slice = shared.SubView(0, units * stride);                    // [Units, 4H + 1]: U[j0 .. j0 + Units, :]
        var partials = shared.SubView(units * stride, size * 4);         // [group size, 4]
        for (int x = lane; x < units * 4 * hidden; x += size)
        {
            int jl = x / (4 * hidden), col = x - jl * 4 * hidden;
            slice[jl * stride + col] = j0 + jl < hidden ? recurrentKernel[(j0 + jl) * 4 * hidden + col] : 0f;
        }
        Group.Barrier();

        long bh = (long)batch * hidden;
        int elements = batch * units, split = grid.SplitK, perPass = size / split;
        int part = lane % split, own = lane / split;
        bool passesThrough = args.HasMask != 0 || args.HasRecurrentDropout != 0;
        for (int s = 0; s < grid.Steps; s++)
        {
            int t = grid.FirstStep - s;
            bool hasNext = t < grid.TotalSteps - 1;
            var gatesT = gates.SubView(t * 4 * bh, 4 * bh);
            var dGatesT = dGates.SubView(t * 4 * bh, 4 * bh);
            var dGatesNext = hasNext ? dGates.SubView((t + 1) * 4 * bh, 4 * bh) : dGatesT;
            var maskT = args.HasMask != 0 ? mask.SubView((long)t * batch, batch) : mask;
            var dhOut = args.HasOutputGrad != 0 ? dhOutput.SubView(t * bh, bh) : dhOutput;
            for (int first = 0; first < elements; first += perPass)
            {
                int el = first + own, b = el / units, j = j0 + el - b * units;
                bool live = el < elements && j < hidden;
                int row = b * 4 * hidden, u = (j - j0) * stride;
                float pi = 0f, pf = 0f, pg = 0f, po = 0f;
                if (live && hasNext)
                {
                    for (int col = part; col < hidden; col += split)
                    {
                        pi += dGatesNext[row + col] * slice[u + col];
                        pf += dGatesNext[row + hidden + col] * slice[u + hidden + col];
                        pg += dGatesNext[row + 2 * hidden + col] * slice[u + 2 * hidden + col];
                        po += dGatesNext[row + 3 * hidden + col] * slice[u + 3 * hidden + col];
                    }
                }
                Store(partials, lane, pi, pf, pg, po);
                Group.Barrier();
                if (part == 0 && live && hasNext)
                    SumParts(partials, lane, split, ref pi, ref pf, ref pg, ref po);
                if (part == 0 && live)
                {
                    int e = b * hidden + j;
                    // Without masks or dropout dhRecurrent holds dh_{t+1} itself, which the product replaces.
                    float dh = !hasNext || passesThrough ? dhRecurrent[e] : 0f;
                    if (hasNext && args.HasRecurrentDropout != 0)
                    {
                        int at = row + j;
                        dh += pi * recurrentMask[at] + pf * recurrentMask[at + hidden] + pg * recurrentMask[at + 2 * hidden]
                            + po * recurrentMask[at + 3 * hidden];
                    }
                    else if (hasNext)
                        dh += pi + pf + pg + po;
                    LstmKernels.BackwardElement(args, e, dh, gatesT, maskT, c.SubView(t * bh, bh), c.SubView((t + 1) * bh, bh),
                        dhOut, dhRecurrent, dc, dGatesT);
                }
                Group.Barrier();
            }
            if (s + 1 < grid.Steps)
                GridBarrier.Wait(barrier, Grid.DimX);
        }
    }

    private static void Store(ArrayView<float> partials, int lane, float a, float b, float c, float d)
    {
        partials[lane * 4] = a;
        partials[lane * 4 + 1] = b;
        partials[lane * 4 + 2] = c;
        partials[lane * 4 + 3] = d;
    }

    /// <summary>Adds the partial sums of the split - 1 threads after <paramref name="lane"/>, in lane order.</summary>
    private static void SumParts(ArrayView<float> partials, int lane, int split, ref float a, ref float b, ref float c, ref float d)
    {
        for (int p = 1; p < split; p++)
        {
            int at = (lane + p) * 4;
            a += partials[at];
            b += partials[at + 1];
            c += partials[at + 2];
            d += partials[at + 3];
        }
    }
}
