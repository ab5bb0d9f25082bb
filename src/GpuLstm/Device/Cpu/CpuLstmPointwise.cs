using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuLstm.Kernels;
using ILGPU;
using static GpuLstm.Device.Cpu.CpuViews;

namespace GpuLstm.Device.Cpu;

using View = ArrayView<float>;

/// <summary>
/// The CPU accelerator's host-thread implementation of LstmKernels.LstmPointwiseForward/Backward:
/// the same math per element, 8 units at a time with all four gates of a [B, 4H] row together
/// while they are in cache. A row's last H % 8 units go through the same vector code on padded
/// stack copies (<see cref="RowTail"/>), so every element sees one code path.
/// </summary>
internal static unsafe class CpuLstmPointwise
{
    private const int Lanes = RowTail.Lanes;

    /// <summary>
    /// LstmKernels.LstmPointwiseForward: same arguments, same results up to the exp's rounding.
    /// onCallingThread: never split the rows across threads (the caller is one of a team's members).
    /// </summary>
    public static void Forward(LstmStepArgs args, View gates, View bias, View mask, View hPrev, View cPrev,
        View cNext, View hNext, View recurrentMask, View hDroppedNext, bool onCallingThread = false)
    {
        bool dropout = args.HasRecurrentDropout != 0;
        var body = new ForwardBody
        {
            Batch = args.Batch, Hidden = args.Hidden,
            Gates = CpuViews.Ptr(gates),                                 // [B, 4H]
            Bias = args.HasBias != 0 ? CpuViews.Ptr(bias) : null,        // [4H]
            Mask = args.HasMask != 0 ? CpuViews.Ptr(mask) : null,        // [B]
            HPrev = CpuViews.Ptr(hPrev), CPrev = CpuViews.Ptr(cPrev),     // [B, H]
            CNext = CpuViews.Ptr(cNext), HNext = CpuViews.Ptr(hNext),     // [B, H]
            RecurrentMask = dropout ? CpuViews.Ptr(recurrentMask) : null, // [B, 4H]
            HDropped = dropout ? CpuViews.Ptr(hDroppedNext) : null,       // [B, 4H]
            OnCallingThread = onCallingThread,
        };
        VectorActivations.Dispatch(args.RecurrentActivation, args.CellActivation, ref body);
    }

    /// <summary>LstmKernels.LstmPointwiseBackward: same arguments, same results up to the exp's rounding; onCallingThread as in Forward.</summary>
    public static void Backward(LstmStepArgs args, View gates, View mask, View cPrev, View cNext, View dhOutput,
        View dhRecurrent, View dc, View dGates, View recurrentMask, View dhDropped, bool onCallingThread = false)
    {
        bool dropout = args.HasRecurrentDropout != 0;
        var body = new BackwardBody
        {
            Batch = args.Batch, Hidden = args.Hidden,
            ZeroRecurrent = args.HasMask != 0 || dropout,
            Gates = CpuViews.Ptr(gates),                                  // [B, 4H]
            Mask = args.HasMask != 0 ? CpuViews.Ptr(mask) : null,         // [B]
            CPrev = CpuViews.Ptr(cPrev), CNext = CpuViews.Ptr(cNext),      // [B, H]
            DhOutput = args.HasOutputGrad != 0 ? CpuViews.Ptr(dhOutput) : null, // [B, H]
            DhRecurrent = CpuViews.Ptr(dhRecurrent), Dc = CpuViews.Ptr(dc), // [B, H]
            DGates = CpuViews.Ptr(dGates),                                 // [B, 4H]
            RecurrentMask = dropout ? CpuViews.Ptr(recurrentMask) : null,  // [B, 4H]
            DhDropped = dropout ? CpuViews.Ptr(dhDropped) : null,          // [B, 4H]
            OnCallingThread = onCallingThread,
        };
        VectorActivations.Dispatch(args.RecurrentActivation, args.CellActivation, ref body);
    }

    private struct ForwardBody : IActivationPairBody
    {
        public int Batch, Hidden;
        public bool OnCallingThread;
        public float* Gates, Bias, Mask, HPrev, CPrev, CNext, HNext, RecurrentMask, HDropped;

        public readonly void Run<TRec, TCell>() where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            var self = this;
            CpuParallel.Rows(Batch, 4L * Hidden, (first, end) => self.Rows<TRec, TCell>(first, end), OnCallingThread);
        }

        private readonly void Rows<TRec, TCell>(int first, int end) where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            int hidden = Hidden, tail = hidden % Lanes, body = hidden - tail;
            float* room = stackalloc float[RowTail.Floats];
            for (int b = first; b < end; b++)
            {
                long row = (long)b * 4 * hidden, at = (long)b * hidden;
                bool masked = Mask is not null && Mask[b] == 0f;
                float* rm = Offset(RecurrentMask, row), hd = Offset(HDropped, row);
                for (int j = 0; j < body; j += Lanes)
                {
                    Step<TRec, TCell>(masked, Gates + row + j, hidden, Offset(Bias, j), HPrev + at + j, CPrev + at + j,
                        CNext + at + j, HNext + at + j, Offset(rm, j), Offset(hd, j));
                }
                if (tail == 0)
                    continue;
                var t = new RowTail(room, tail);
                float* g = t.In(Gates + row + body, hidden, 4), cn = t.In(CNext + at + body, 0), hn = t.In(HNext + at + body, 0);
                float* tHd = t.In(Offset(hd, body), hidden, 4);
                Step<TRec, TCell>(masked, g, Lanes, t.In(Offset(Bias, body), hidden, 4), t.In(HPrev + at + body, 0), t.In(CPrev + at + body, 0),
                    cn, hn, t.In(Offset(rm, body), hidden, 4), tHd);
                t.Out(Gates + row + body, g, hidden, 4);
                t.Out(CNext + at + body, cn, 0);
                t.Out(HNext + at + body, hn, 0);
                t.Out(Offset(hd, body), tHd, hidden, 4);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Step<TRec, TCell>(bool masked, float* g, int stride, float* bias, float* hPrev, float* cPrev,
            float* cNext, float* hNext, float* recurrentMask, float* hDropped)
            where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            Vector256<float> h;
            if (masked)
            {
                // A padded step keeps its state: exact copies.
                Vector256.Load(cPrev).Store(cNext);
                h = Vector256.Load(hPrev);
                h.Store(hNext);
            }
            else
            {
                var pi = Vector256.Load(g);
                var pf = Vector256.Load(g + stride);
                var pg = Vector256.Load(g + 2 * stride);
                var po = Vector256.Load(g + 3 * stride);
                if (bias is not null)
                {
                    pi += Vector256.Load(bias);
                    pf += Vector256.Load(bias + stride);
                    pg += Vector256.Load(bias + 2 * stride);
                    po += Vector256.Load(bias + 3 * stride);
                }
                var i = TRec.Apply(pi);
                var f = TRec.Apply(pf);
                var gg = TCell.Apply(pg);
                var o = TRec.Apply(po);
                var c = VectorMath.Fma(f, Vector256.Load(cPrev), i * gg);
                i.Store(g);
                f.Store(g + stride);
                gg.Store(g + 2 * stride);
                o.Store(g + 3 * stride);
                c.Store(cNext);
                h = o * TCell.Apply(c);
                h.Store(hNext);
            }
            if (hDropped is not null)
            {
                (h * Vector256.Load(recurrentMask)).Store(hDropped);
                (h * Vector256.Load(recurrentMask + stride)).Store(hDropped + stride);
                (h * Vector256.Load(recurrentMask + 2 * stride)).Store(hDropped + 2 * stride);
                (h * Vector256.Load(recurrentMask + 3 * stride)).Store(hDropped + 3 * stride);
            }
        }
    }

    private struct BackwardBody : IActivationPairBody
    {
        public int Batch, Hidden;
        public bool ZeroRecurrent, OnCallingThread;
        public float* Gates, Mask, CPrev, CNext, DhOutput, DhRecurrent, Dc, DGates, RecurrentMask, DhDropped;

        public readonly void Run<TRec, TCell>() where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            var self = this;
            CpuParallel.Rows(Batch, 4L * Hidden, (first, end) => self.Rows<TRec, TCell>(first, end), OnCallingThread);
        }

        private readonly void Rows<TRec, TCell>(int first, int end) where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            int hidden = Hidden, tail = hidden % Lanes, body = hidden - tail;
            float* room = stackalloc float[RowTail.Floats];
            for (int b = first; b < end; b++)
            {
                long row = (long)b * 4 * hidden, at = (long)b * hidden;
                bool masked = Mask is not null && Mask[b] == 0f;
                float* rm = Offset(RecurrentMask, row), dd = Offset(DhDropped, row), dOut = Offset(DhOutput, at);
                for (int j = 0; j < body; j += Lanes)
                {
                    Step<TRec, TCell>(masked, ZeroRecurrent, Gates + row + j, DGates + row + j, hidden, CPrev + at + j, CNext + at + j,
                        Offset(dOut, j), DhRecurrent + at + j, Dc + at + j, Offset(rm, j), Offset(dd, j));
                }
                if (tail == 0)
                    continue;
                var t = new RowTail(room, tail);
                float* dG = t.In(DGates + row + body, hidden, 4), dhr = t.In(DhRecurrent + at + body, 0), dcT = t.In(Dc + at + body, 0);
                Step<TRec, TCell>(masked, ZeroRecurrent, t.In(Gates + row + body, hidden, 4), dG, Lanes, t.In(CPrev + at + body, 0),
                    t.In(CNext + at + body, 0), t.In(Offset(dOut, body), 0), dhr, dcT, t.In(Offset(rm, body), hidden, 4), t.In(Offset(dd, body), hidden, 4));
                t.Out(DGates + row + body, dG, hidden, 4);
                t.Out(DhRecurrent + at + body, dhr, 0);
                t.Out(Dc + at + body, dcT, 0);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Step<TRec, TCell>(bool masked, bool zeroRecurrent, float* g, float* dG, int stride, float* cPrev, float* cNext,
            float* dhOutput, float* dhRecurrent, float* dc, float* recurrentMask, float* dhDropped)
            where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            var dh = Vector256.Load(dhRecurrent);
            if (dhDropped is not null) // same order of additions as the kernel
            {
                dh += Vector256.Load(dhDropped) * Vector256.Load(recurrentMask) + Vector256.Load(dhDropped + stride) * Vector256.Load(recurrentMask + stride)
                    + Vector256.Load(dhDropped + 2 * stride) * Vector256.Load(recurrentMask + 2 * stride)
                    + Vector256.Load(dhDropped + 3 * stride) * Vector256.Load(recurrentMask + 3 * stride);
            }
            if (dhOutput is not null)
                dh += Vector256.Load(dhOutput);
            if (masked)
            {
                // h_{t+1} = h_t and c_{t+1} = c_t: both gradients pass through unchanged.
                Vector256<float>.Zero.Store(dG);
                Vector256<float>.Zero.Store(dG + stride);
                Vector256<float>.Zero.Store(dG + 2 * stride);
                Vector256<float>.Zero.Store(dG + 3 * stride);
                dh.Store(dhRecurrent);
                return;
            }
            var i = Vector256.Load(g);
            var f = Vector256.Load(g + stride);
            var gg = Vector256.Load(g + 2 * stride);
            var o = Vector256.Load(g + 3 * stride);
            var actC = TCell.Apply(Vector256.Load(cNext));
            var dcTotal = VectorMath.Fma(dh * o, TCell.DerivFromOutput(actC), Vector256.Load(dc));
            (dcTotal * gg * TRec.DerivFromOutput(i)).Store(dG);
            (dcTotal * Vector256.Load(cPrev) * TRec.DerivFromOutput(f)).Store(dG + stride);
            (dcTotal * i * TCell.DerivFromOutput(gg)).Store(dG + 2 * stride);
            (dh * actC * TRec.DerivFromOutput(o)).Store(dG + 3 * stride);
            (dcTotal * f).Store(dc);
            if (zeroRecurrent)
                Vector256<float>.Zero.Store(dhRecurrent);
        }
    }
}
