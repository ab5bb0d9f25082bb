using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuLstm.Kernels;
using ILGPU;

namespace GpuLstm.Device.Cpu;

using View = ArrayView<float>;

/// <summary>
/// The CPU accelerator's host-thread implementation of LstmKernels.LstmPointwiseForward/Backward:
/// the same math per element, 8 units at a time with all four gates of a [B, 4H] row together
/// while they are in cache. A row's last H % 8 units go through the same vector code on padded
/// stack copies, so every element sees one code path.
/// </summary>
internal static unsafe class CpuLstmPointwise
{
    private const int Lanes = 8;

    /// <summary>LstmKernels.LstmPointwiseForward: same arguments, same results up to the exp's rounding.</summary>
    public static void Forward(LstmStepArgs args, View gates, View bias, View mask, View hPrev, View cPrev,
        View cNext, View hNext, View recurrentMask, View hDroppedNext)
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
        };
        VectorActivations.Dispatch(args.RecurrentActivation, args.CellActivation, ref body);
    }

    /// <summary>LstmKernels.LstmPointwiseBackward: same arguments, same results up to the exp's rounding.</summary>
    public static void Backward(LstmStepArgs args, View gates, View mask, View cPrev, View cNext, View dhOutput,
        View dhRecurrent, View dc, View dGates, View recurrentMask, View dhDropped)
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
        };
        VectorActivations.Dispatch(args.RecurrentActivation, args.CellActivation, ref body);
    }

    private struct ForwardBody : IActivationPairBody
    {
        public int Batch, Hidden;
        public float* Gates, Bias, Mask, HPrev, CPrev, CNext, HNext, RecurrentMask, HDropped;

        public readonly void Run<TRec, TCell>() where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            var self = this;
            CpuParallel.Rows(Batch, 4L * Hidden, (first, end) => self.Rows<TRec, TCell>(first, end));
        }

        private readonly void Rows<TRec, TCell>(int first, int end) where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            int hidden = Hidden, tail = hidden % Lanes, body = hidden - tail;
            // Padded copies of a row's last units, laid out as a row with hidden = 8.
            float* pad = stackalloc float[PadFloats];
            new Span<float>(pad, PadFloats).Clear();
            for (int b = first; b < end; b++)
            {
                long row = (long)b * 4 * hidden, at = (long)b * hidden;
                bool masked = Mask is not null && Mask[b] == 0f;
                float* bias = Bias;
                float* rm = RecurrentMask is null ? null : RecurrentMask + row;
                float* hd = HDropped is null ? null : HDropped + row;
                for (int j = 0; j < body; j += Lanes)
                {
                    Step<TRec, TCell>(masked, Gates + row + j, hidden, bias is null ? null : bias + j, HPrev + at + j, CPrev + at + j,
                        CNext + at + j, HNext + at + j, rm is null ? null : rm + j, hd is null ? null : hd + j);
                }
                if (tail == 0)
                    continue;
                var p = new Pad(pad);
                p.In4(Gates + row + body, hidden, tail, p.Gates);
                if (bias is not null) p.In4(bias + body, hidden, tail, p.Bias);
                if (rm is not null) p.In4(rm + body, hidden, tail, p.Mask4);
                p.In1(HPrev + at + body, tail, p.A);
                p.In1(CPrev + at + body, tail, p.B);
                Step<TRec, TCell>(masked, p.Gates, Lanes, bias is null ? null : p.Bias, p.A, p.B, p.C, p.D,
                    rm is null ? null : p.Mask4, hd is null ? null : p.Out4);
                p.Out4To(Gates + row + body, hidden, tail, p.Gates);
                p.Out1To(CNext + at + body, tail, p.C);
                p.Out1To(HNext + at + body, tail, p.D);
                if (hd is not null) p.Out4To(hd + body, hidden, tail, p.Out4);
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
        public bool ZeroRecurrent;
        public float* Gates, Mask, CPrev, CNext, DhOutput, DhRecurrent, Dc, DGates, RecurrentMask, DhDropped;

        public readonly void Run<TRec, TCell>() where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            var self = this;
            CpuParallel.Rows(Batch, 4L * Hidden, (first, end) => self.Rows<TRec, TCell>(first, end));
        }

        private readonly void Rows<TRec, TCell>(int first, int end) where TRec : struct, IVectorActivation where TCell : struct, IVectorActivation
        {
            int hidden = Hidden, tail = hidden % Lanes, body = hidden - tail;
            float* pad = stackalloc float[PadFloats];
            new Span<float>(pad, PadFloats).Clear();
            for (int b = first; b < end; b++)
            {
                long row = (long)b * 4 * hidden, at = (long)b * hidden;
                bool masked = Mask is not null && Mask[b] == 0f;
                float* rm = RecurrentMask is null ? null : RecurrentMask + row;
                float* dd = DhDropped is null ? null : DhDropped + row;
                float* dOut = DhOutput is null ? null : DhOutput + at;
                for (int j = 0; j < body; j += Lanes)
                {
                    Step<TRec, TCell>(masked, ZeroRecurrent, Gates + row + j, DGates + row + j, hidden, CPrev + at + j, CNext + at + j,
                        dOut is null ? null : dOut + j, DhRecurrent + at + j, Dc + at + j, rm is null ? null : rm + j, dd is null ? null : dd + j);
                }
                if (tail == 0)
                    continue;
                var p = new Pad(pad);
                p.In4(Gates + row + body, hidden, tail, p.Gates);
                if (rm is not null) p.In4(rm + body, hidden, tail, p.Mask4);
                if (dd is not null) p.In4(dd + body, hidden, tail, p.Bias);
                p.In1(CPrev + at + body, tail, p.A);
                p.In1(CNext + at + body, tail, p.B);
                if (dOut is not null) p.In1(dOut + body, tail, p.C);
                p.In1(DhRecurrent + at + body, tail, p.D);
                p.In1(Dc + at + body, tail, p.E);
                Step<TRec, TCell>(masked, ZeroRecurrent, p.Gates, p.Out4, Lanes, p.A, p.B, dOut is null ? null : p.C, p.D, p.E,
                    rm is null ? null : p.Mask4, dd is null ? null : p.Bias);
                p.Out4To(DGates + row + body, hidden, tail, p.Out4);
                p.Out1To(DhRecurrent + at + body, tail, p.D);
                p.Out1To(Dc + at + body, tail, p.E);
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

    private const int PadFloats = 4 * 4 * Lanes + 5 * Lanes;

    /// <summary>Stack room for a row's last (H % 8) units: four [4, 8] blocks and five [8] vectors, zero-padded.</summary>
    private readonly struct Pad(float* at)
    {
        public readonly float* Gates = at, Bias = at + 32, Mask4 = at + 64, Out4 = at + 96;
        public readonly float* A = at + 128, B = at + 136, C = at + 144, D = at + 152, E = at + 160;

        /// <summary>Copies n units of each of the four gates (stride apart) into a [4, 8] block.</summary>
        public void In4(float* src, int stride, int n, float* block)
        {
            for (int k = 0; k < 4; k++)
                new ReadOnlySpan<float>(src + (long)k * stride, n).CopyTo(new Span<float>(block + k * Lanes, n));
        }

        public void Out4To(float* dst, int stride, int n, float* block)
        {
            for (int k = 0; k < 4; k++)
                new ReadOnlySpan<float>(block + k * Lanes, n).CopyTo(new Span<float>(dst + (long)k * stride, n));
        }

        public void In1(float* src, int n, float* vector) => new ReadOnlySpan<float>(src, n).CopyTo(new Span<float>(vector, n));

        public void Out1To(float* dst, int n, float* vector) => new ReadOnlySpan<float>(vector, n).CopyTo(new Span<float>(dst, n));
    }
}
