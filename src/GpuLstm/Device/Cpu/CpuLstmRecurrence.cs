using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GpuLstm.Kernels;
using ILGPU;

namespace GpuLstm.Device.Cpu;

using View = ArrayView<float>;

/// <summary>
/// The LSTM recurrence on CPU cores as one parallel region per sequence (persistent-RNN style). The
/// recurrent weights are packed once per sequence into panels (<see cref="CpuPanelGemm"/>; the
/// members share the packing, then meet once); each team member then owns a block of batch rows
/// and runs all T steps of them on its own: per step the recurrent product into its rows' gates and
/// the pointwise math right after, while they are in cache. Batch rows never depend on each other,
/// so there is no barrier per step (splitting hidden units instead needs one per step, and the
/// members' interleaved writes into each gates row cost ~40% of the product here).
/// Backward likewise per row block: the pointwise backward, then dh = dGates_t U^T.
/// Replaces 2 GEMM calls and 2 launches per step; the input GEMM before and the weight-gradient
/// GEMMs after stay BLAS calls. Same results as the per-step path up to the products' summation order.
/// </summary>
internal sealed unsafe class CpuLstmRecurrence : IDisposable
{
    /// <summary>Fewest batch rows per member: one 8-row tile of <see cref="CpuPanelGemm"/>.</summary>
    private const int MinRowsPerMember = 8;

    private readonly CpuTeam _team;
    private readonly Action<string> _countLaunch;
    private float* _packed;   // [panels, K, 32] the packed recurrent weights, shared by the members
    private long _capacity;   // floats allocated there
    private float* _partials; // [members, 4H] the members' bias-gradient sums
    private long _partialsCapacity;

    /// <param name="members">Most team members; a call uses fewer when the batch is small.</param>
    public CpuLstmRecurrence(int members, Action<string> countLaunch)
    {
        _team = new CpuTeam(members);
        _countLaunch = countLaunch;
    }

    public int Members => _team.Size;

    /// <summary>
    /// All T steps of LstmSequenceOp's forward loop: gates[t] += h_t U, then the pointwise kernel.
    /// Recurrent dropout is not handled here (the op keeps its per-gate GEMMs for it).
    /// </summary>
    /// <param name="gates">[T, B, 4H] holding x W on entry, the activated gates on return</param>
    /// <param name="bias">[4H] (read when args.HasBias)</param>
    /// <param name="mask">[T, B] (read when args.HasMask)</param>
    /// <param name="h">[T+1, B, H] with row 0 the initial state</param>
    /// <param name="c">[T+1, B, H] with row 0 the initial state</param>
    /// <param name="recurrentKernel">[H, 4H]</param>
    public void Forward(LstmStepArgs args, int steps, View gates, View bias, View mask, View h, View c, View recurrentKernel)
    {
        RefuseDropout(args);
        _countLaunch("LstmRecurrence");
        int batch = args.Batch, hidden = args.Hidden;
        long bh = (long)batch * hidden, gatesRow = 4L * bh;
        var panels = Panels(4 * hidden);
        float* packed = Packing(CpuPanelGemm.PackedLength(panels.Length, hidden));
        float* u = CpuViews.Ptr(recurrentKernel);
        int members = MembersFor(batch);
        _team.Run(member =>
        {
            // B[k, n] = U[k, n]: rows of U are the depth, its 4H gate columns the panels.
            PackShare(member, members, panels, (share, firstPanel) =>
                CpuPanelGemm.Pack(u, 4L * hidden, 1, hidden, share, packed + CpuPanelGemm.PackedLength(firstPanel, hidden)));
            var (first, end) = Rows(member, members, batch);
            if (first == end)
                return;
            int rows = end - first;
            var mine = args with { Batch = rows };
            for (int t = 0; t < steps; t++)
            {
                long at = t * bh + (long)first * hidden, gatesAt = t * gatesRow + first * 4L * hidden;
                var gatesT = gates.SubView(gatesAt, rows * 4L * hidden);                    // [rows, 4H]
                CpuPanelGemm.Multiply(CpuViews.Ptr(h) + at, hidden, rows, hidden, packed, panels, CpuViews.Ptr(gatesT), 4L * hidden,
                    accumulate: true);
                CpuLstmPointwise.Forward(mine, gatesT, bias, MaskRows(args, mask, t, batch, first, rows),
                    h.SubView(at, rows * (long)hidden), c.SubView(at, rows * (long)hidden),
                    c.SubView(at + bh, rows * (long)hidden), h.SubView(at + bh, rows * (long)hidden),
                    default, default, onCallingThread: true);
            }
        });
    }

    /// <summary>
    /// All T steps of LstmSequenceOp's backward loop, in reverse: the pointwise backward, then
    /// dh = dGates_t U^T (+ dh when recurrentBeta is 1: with a mask the pointwise kernel leaves the
    /// pass-through part there), skipped at t = 0 unless the initial state needs its gradient.
    /// </summary>
    /// <param name="dhOutput">[T, B, H] the sequence's gradient (read when args.HasOutputGrad)</param>
    /// <param name="dh">[B, H] the final h's gradient on entry, dh_0 on return</param>
    /// <param name="dc">[B, H] the final c's gradient on entry, dc_0 on return</param>
    /// <param name="dGates">[T, B, 4H] written</param>
    /// <param name="biasGrad">[4H] = biasBeta * biasGrad + the column sums of dGates, summed while each step's rows are in
    /// cache (per member, then the members' partial sums in member order); an invalid view: not wanted</param>
    public void Backward(LstmStepArgs args, int steps, View gates, View mask, View c, View dhOutput, View dh, View dc,
        View dGates, View recurrentKernel, float recurrentBeta, bool needInitialGrad, View biasGrad = default, float biasBeta = 0f)
    {
        RefuseDropout(args);
        _countLaunch("LstmRecurrenceBackward");
        int batch = args.Batch, hidden = args.Hidden;
        long bh = (long)batch * hidden, gatesRow = 4L * bh;
        var panels = Panels(hidden);
        float* packed = Packing(CpuPanelGemm.PackedLength(panels.Length, 4 * hidden));
        float* u = CpuViews.Ptr(recurrentKernel);
        bool hasOutputGrad = args.HasOutputGrad != 0, sumBias = biasGrad.IsValid;
        int members = MembersFor(batch), g4 = 4 * hidden;
        float* partials = sumBias ? Partials((long)members * g4) : null; // [members, 4H]
        _team.Run(member =>
        {
            // B[k, n] = U^T[k, n] = U[n, k]: the depth runs over all 4H gate columns, the panels over the H units.
            PackShare(member, members, panels, (share, firstPanel) =>
                CpuPanelGemm.Pack(u, 1, 4L * hidden, 4 * hidden, share, packed + CpuPanelGemm.PackedLength(firstPanel, 4 * hidden)));
            var (first, end) = Rows(member, members, batch);
            if (first == end)
                return;
            int rows = end - first;
            var mine = args with { Batch = rows };
            long rowsH = rows * (long)hidden;
            var dhRows = dh.SubView((long)first * hidden, rowsH);                             // [rows, H]
            var dcRows = dc.SubView((long)first * hidden, rowsH);                             // [rows, H]
            float* partial = sumBias ? partials + (long)member * g4 : null;                   // [4H]
            if (sumBias)
                new Span<float>(partial, g4).Clear();
            for (int t = steps - 1; t >= 0; t--)
            {
                long at = t * bh + (long)first * hidden, gatesAt = t * gatesRow + first * 4L * hidden;
                var dGatesT = dGates.SubView(gatesAt, rows * 4L * hidden);                   // [rows, 4H]
                CpuLstmPointwise.Backward(mine, gates.SubView(gatesAt, rows * 4L * hidden), MaskRows(args, mask, t, batch, first, rows),
                    c.SubView(at, rowsH), c.SubView(at + bh, rowsH), hasOutputGrad ? dhOutput.SubView(at, rowsH) : dhRows, dhRows, dcRows,
                    dGatesT, default, default, onCallingThread: true);
                if (sumBias)
                    AddRows(CpuViews.Ptr(dGatesT), rows, g4, partial);
                if (t > 0 || needInitialGrad)
                    CpuPanelGemm.Multiply(CpuViews.Ptr(dGatesT), 4L * hidden, rows, 4 * hidden, packed, panels, CpuViews.Ptr(dhRows), hidden,
                        accumulate: recurrentBeta != 0f);
            }
        });
        if (sumBias)
            SumPartials(partials, members, g4, CpuViews.Ptr(biasGrad), biasBeta);
    }

    /// <summary>sum[j] += m[r, j] over the rows of a [rows, width] matrix.</summary>
    private static void AddRows(float* m, int rows, int width, float* sum)
    {
        int j = 0;
        for (; j + Vector512<float>.Count <= width; j += Vector512<float>.Count)
        {
            var s = Vector512.Load(sum + j);
            for (int r = 0; r < rows; r++)
                s += Vector512.Load(m + (long)r * width + j);
            s.Store(sum + j);
        }
        for (; j < width; j++)
            for (int r = 0; r < rows; r++)
                sum[j] += m[(long)r * width + j];
    }

    /// <summary>target = beta * target + the members' partial sums added in member order (deterministic for a team size).</summary>
    private static void SumPartials(float* partials, int members, int width, float* target, float beta)
    {
        for (int j = 0; j < width; j++)
        {
            float s = partials[j];
            for (int m = 1; m < members; m++)
                s += partials[(long)m * width + j];
            target[j] = beta == 0f ? s : beta * target[j] + s;
        }
    }

    private static void RefuseDropout(LstmStepArgs args)
    {
        if (args.HasRecurrentDropout != 0)
            throw new ArgumentException("CpuLstmRecurrence does not handle recurrent dropout; the op runs per-gate GEMMs for it.", nameof(args));
    }

    /// <summary>Members a batch keeps busy: at least <see cref="MinRowsPerMember"/> rows each.</summary>
    private int MembersFor(int batch) => Math.Clamp(batch / MinRowsPerMember, 1, _team.Size);

    /// <summary>
    /// Member m of the first `members` packs its share of the panels; then all meet, so nobody
    /// multiplies before the packing is complete. Members past `members` only meet.
    /// </summary>
    private void PackShare(int member, int members, PanelTarget[] panels, PackPanels pack)
    {
        if (member < members)
        {
            int first = panels.Length * member / members, end = panels.Length * (member + 1) / members;
            pack(panels.AsSpan(first, end - first), first);
        }
        _team.Barrier();
    }

    private delegate void PackPanels(ReadOnlySpan<PanelTarget> share, int firstPanel);

    /// <summary>Member m's batch rows: contiguous, split evenly on multiples of 8 (whole tiles) where the batch allows.</summary>
    private static (int First, int End) Rows(int member, int members, int batch)
    {
        if (member >= members)
            return (0, 0);
        int tiles = (batch + 7) / 8;
        int first = Math.Min(batch, tiles * member / members * 8), end = Math.Min(batch, tiles * (member + 1) / members * 8);
        return (first, end);
    }

    /// <summary>Columns [0, width) of C in panels of 32 (the last one partial).</summary>
    private static PanelTarget[] Panels(int width)
    {
        var panels = new PanelTarget[(width + CpuPanelGemm.PanelWidth - 1) / CpuPanelGemm.PanelWidth];
        for (int p = 0; p < panels.Length; p++)
        {
            int column = p * CpuPanelGemm.PanelWidth;
            panels[p] = new PanelTarget(column, Math.Min(CpuPanelGemm.PanelWidth, width - column));
        }
        return panels;
    }

    private static View MaskRows(LstmStepArgs args, View mask, int t, int batch, int first, int rows) =>
        args.HasMask != 0 ? mask.SubView((long)t * batch + first, rows) : default;

    private float* Packing(long floats) => Grow(ref _packed, ref _capacity, floats);

    private float* Partials(long floats) => Grow(ref _partials, ref _partialsCapacity, floats);

    /// <summary>Native room of at least the given floats, grown (never shrunk) and reused across calls.</summary>
    private static float* Grow(ref float* room, ref long capacity, long floats)
    {
        if (capacity < floats)
        {
            NativeMemory.AlignedFree(room);
            room = null;
            capacity = 0;
            room = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
            capacity = floats;
        }
        return room;
    }

    public void Dispose()
    {
        _team.Dispose();
        NativeMemory.AlignedFree(_packed);
        _packed = null;
        NativeMemory.AlignedFree(_partials);
        _partials = null;
    }
}
