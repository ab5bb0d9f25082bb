using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuLstm.Kernels;
using ILGPU;
using static GpuLstm.Device.Cpu.CpuViews;

namespace GpuLstm.Device.Cpu;

using View = ArrayView<float>;

/// <summary>
/// The CPU accelerator's host-thread implementation of GruKernels.GruPointwiseForward/Backward:
/// the same math and stages per element, 8 units at a time with z, r and h of a [B, 3H] row
/// together; a row's last H % 8 units go through the same code on padded copies (<see cref="RowTail"/>).
/// </summary>
internal static unsafe class CpuGruPointwise
{
    private const int Lanes = RowTail.Lanes;

    /// <summary>GruKernels.GruPointwiseForward: same arguments, same results up to the exp's rounding.</summary>
    public static void Forward(RecurrentStepArgs args, View gates, View recurrent, View bias, View mask, View hPrev,
        View resetHidden, View hNext, View recurrentMask, View hDroppedNext)
    {
        bool dropout = args.HasRecurrentDropout != 0, resetAfter = args.ResetAfter != 0;
        var body = new ForwardBody
        {
            Batch = args.Batch, Hidden = args.Hidden, Stages = args.Stages, ResetAfter = resetAfter,
            Gates = CpuViews.Ptr(gates), Recurrent = CpuViews.Ptr(recurrent),   // [B, 3H]
            Bias = args.HasBias != 0 ? CpuViews.Ptr(bias) : null,              // [2, 3H] reset_after, else [3H]
            Mask = args.HasMask != 0 ? CpuViews.Ptr(mask) : null,              // [B]
            HPrev = CpuViews.Ptr(hPrev), HNext = CpuViews.Ptr(hNext),           // [B, H]
            ResetHidden = resetAfter ? null : CpuViews.Ptr(resetHidden),       // [B, H]; reset_after passes h, never written
            RecurrentMask = dropout ? CpuViews.Ptr(recurrentMask) : null,      // [B, 3H]
            HDropped = dropout ? CpuViews.Ptr(hDroppedNext) : null,            // [B, 3H]
        };
        VectorActivations.Dispatch(args.RecurrentActivation, args.Activation, ref body);
    }

    /// <summary>GruKernels.GruPointwiseBackward: same arguments, same results up to the exp's rounding.</summary>
    public static void Backward(RecurrentStepArgs args, View gates, View recurrent, View mask, View hPrev, View dhOutput,
        View dhRecurrent, View dResetHidden, View dInput, View dRecurrent, View recurrentMask, View dhDropped)
    {
        bool dropout = args.HasRecurrentDropout != 0, resetAfter = args.ResetAfter != 0;
        var body = new BackwardBody
        {
            Batch = args.Batch, Hidden = args.Hidden, Stages = args.Stages, ResetAfter = resetAfter,
            Gates = CpuViews.Ptr(gates), Recurrent = CpuViews.Ptr(recurrent),   // [B, 3H]
            Mask = args.HasMask != 0 ? CpuViews.Ptr(mask) : null,              // [B]
            HPrev = CpuViews.Ptr(hPrev),                                       // [B, H]
            DhOutput = args.HasOutputGrad != 0 ? CpuViews.Ptr(dhOutput) : null, // [B, H]
            DhRecurrent = CpuViews.Ptr(dhRecurrent),                           // [B, H]
            DResetHidden = resetAfter ? null : CpuViews.Ptr(dResetHidden),     // [B, H]
            DInput = CpuViews.Ptr(dInput),                                     // [B, 3H]
            DRecurrent = resetAfter ? CpuViews.Ptr(dRecurrent) : null,         // [B, 3H]; reset_before passes dInput, never written
            RecurrentMask = dropout ? CpuViews.Ptr(recurrentMask) : null,      // [B, 3H]
            DhDropped = dropout ? CpuViews.Ptr(dhDropped) : null,              // [B, 3H]
        };
        VectorActivations.Dispatch(args.RecurrentActivation, args.Activation, ref body);
    }

    private struct ForwardBody : IActivationPairBody
    {
        public int Batch, Hidden, Stages;
        public bool ResetAfter;
        public float* Gates, Recurrent, Bias, Mask, HPrev, ResetHidden, HNext, RecurrentMask, HDropped;

        public readonly void Run<TRec, TAct>() where TRec : struct, IVectorActivation where TAct : struct, IVectorActivation
        {
            var self = this;
            CpuParallel.Rows(Batch, 3L * Hidden, (first, end) => self.Rows<TRec, TAct>(first, end));
        }

        private readonly void Rows<TRec, TAct>(int first, int end) where TRec : struct, IVectorActivation where TAct : struct, IVectorActivation
        {
            int hidden = Hidden, tail = hidden % Lanes, body = hidden - tail, biasBlocks = ResetAfter ? 6 : 3;
            float* room = stackalloc float[RowTail.Floats];
            for (int b = first; b < end; b++)
            {
                long row = (long)b * 3 * hidden, at = (long)b * hidden;
                bool masked = Mask is not null && Mask[b] == 0f;
                float* rm = Offset(RecurrentMask, row), hd = Offset(HDropped, row);
                for (int j = 0; j < body; j += Lanes)
                {
                    Step<TRec, TAct>(masked, Gates + row + j, Recurrent + row + j, hidden, Offset(Bias, j), HPrev + at + j,
                        Offset(ResetHidden, at + j), HNext + at + j, Offset(rm, j), Offset(hd, j));
                }
                if (tail == 0)
                    continue;
                var t = new RowTail(room, tail);
                float* g = t.In(Gates + row + body, hidden, 3), rec = t.In(Recurrent + row + body, hidden, 3);
                float* rh = t.In(Offset(ResetHidden, at + body), 0), hn = t.In(HNext + at + body, 0), tHd = t.In(Offset(hd, body), hidden, 3);
                Step<TRec, TAct>(masked, g, rec, Lanes, t.In(Offset(Bias, body), hidden, biasBlocks), t.In(HPrev + at + body, 0),
                    rh, hn, t.In(Offset(rm, body), hidden, 3), tHd);
                t.Out(Gates + row + body, g, hidden, 3);
                t.Out(Recurrent + row + body, rec, hidden, 3);
                t.Out(Offset(ResetHidden, at + body), rh, 0);
                t.Out(HNext + at + body, hn, 0);
                t.Out(Offset(hd, body), tHd, hidden, 3);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void Step<TRec, TAct>(bool masked, float* g, float* rec, int s, float* bias, float* hPrev,
            float* resetHidden, float* hNext, float* recurrentMask, float* hDropped)
            where TRec : struct, IVectorActivation where TAct : struct, IVectorActivation
        {
            var h = Vector256.Load(hPrev);
            if ((Stages & GruStage.Gates) != 0)
            {
                if (!masked)
                {
                    var preZ = Vector256.Load(g) + Vector256.Load(rec);
                    var preR = Vector256.Load(g + s) + Vector256.Load(rec + s);
                    if (bias is not null)
                    {
                        preZ += ResetAfter ? Vector256.Load(bias) + Vector256.Load(bias + 3 * s) : Vector256.Load(bias);
                        preR += ResetAfter ? Vector256.Load(bias + s) + Vector256.Load(bias + 4 * s) : Vector256.Load(bias + s);
                    }
                    TRec.Apply(preZ).Store(g);
                    TRec.Apply(preR).Store(g + s);
                }
                // A masked row still writes its (zero) GEMM input: the weight-grad GEMM reads every row.
                if (resetHidden is not null)
                {
                    var dropped = recurrentMask is null ? h : h * Vector256.Load(recurrentMask + 2 * s);
                    (masked ? Vector256<float>.Zero : Vector256.Load(g + s) * dropped).Store(resetHidden);
                }
            }
            if ((Stages & GruStage.Candidate) == 0)
                return;
            if (masked)
            {
                h.Store(hNext);
            }
            else
            {
                var pre = Vector256.Load(g + 2 * s);
                if (bias is not null)
                    pre += Vector256.Load(bias + 2 * s);
                if (ResetAfter)
                {
                    var recurrentH = Vector256.Load(rec + 2 * s);
                    if (bias is not null)
                        recurrentH += Vector256.Load(bias + 5 * s);
                    recurrentH.Store(rec + 2 * s); // backward's dr = dh~_pre * (h U_h + b_rh)
                    pre = VectorMath.Fma(Vector256.Load(g + s), recurrentH, pre);
                }
                else
                {
                    pre += Vector256.Load(rec + 2 * s);
                }
                var candidate = TAct.Apply(pre);
                var update = Vector256.Load(g);
                candidate.Store(g + 2 * s);
                h = update * h + (Vector256<float>.One - update) * candidate;
                h.Store(hNext);
            }
            if (hDropped is not null)
            {
                (h * Vector256.Load(recurrentMask)).Store(hDropped);
                (h * Vector256.Load(recurrentMask + s)).Store(hDropped + s);
                (h * Vector256.Load(recurrentMask + 2 * s)).Store(hDropped + 2 * s);
            }
        }
    }

    private struct BackwardBody : IActivationPairBody
    {
        public int Batch, Hidden, Stages;
        public bool ResetAfter;
        public float* Gates, Recurrent, Mask, HPrev, DhOutput, DhRecurrent, DResetHidden, DInput, DRecurrent, RecurrentMask, DhDropped;

        public readonly void Run<TRec, TAct>() where TRec : struct, IVectorActivation where TAct : struct, IVectorActivation
        {
            var self = this;
            CpuParallel.Rows(Batch, 3L * Hidden, (first, end) => self.Rows<TRec, TAct>(first, end));
        }

        private readonly void Rows<TRec, TAct>(int first, int end) where TRec : struct, IVectorActivation where TAct : struct, IVectorActivation
        {
            int hidden = Hidden, tail = hidden % Lanes, body = hidden - tail;
            float* room = stackalloc float[RowTail.Floats];
            for (int b = first; b < end; b++)
            {
                long row = (long)b * 3 * hidden, at = (long)b * hidden;
                bool masked = Mask is not null && Mask[b] == 0f;
                float* rm = Offset(RecurrentMask, row), dd = Offset(DhDropped, row), dOut = Offset(DhOutput, at);
                for (int j = 0; j < body; j += Lanes)
                {
                    Step<TRec, TAct>(masked, Gates + row + j, Recurrent + row + j, hidden, HPrev + at + j, Offset(dOut, j), DhRecurrent + at + j,
                        Offset(DResetHidden, at + j), DInput + row + j, Offset(DRecurrent, row + j), Offset(rm, j), Offset(dd, j));
                }
                if (tail == 0)
                    continue;
                var t = new RowTail(room, tail);
                float* dhr = t.In(DhRecurrent + at + body, 0), dIn = t.In(DInput + row + body, hidden, 3);
                float* dRec = t.In(Offset(DRecurrent, row + body), hidden, 3), tDd = t.In(Offset(dd, body), hidden, 3);
                Step<TRec, TAct>(masked, t.In(Gates + row + body, hidden, 3), t.In(Recurrent + row + body, hidden, 3), Lanes,
                    t.In(HPrev + at + body, 0), t.In(Offset(dOut, body), 0), dhr, t.In(Offset(DResetHidden, at + body), 0), dIn, dRec,
                    t.In(Offset(rm, body), hidden, 3), tDd);
                t.Out(DhRecurrent + at + body, dhr, 0);
                t.Out(DInput + row + body, dIn, hidden, 3);
                t.Out(Offset(DRecurrent, row + body), dRec, hidden, 3);
                t.Out(Offset(dd, body), tDd, hidden, 3);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void Step<TRec, TAct>(bool masked, float* g, float* rec, int s, float* hPrev, float* dhOutput, float* dhRecurrent,
            float* dResetHidden, float* dInput, float* dRecurrent, float* recurrentMask, float* dhDropped)
            where TRec : struct, IVectorActivation where TAct : struct, IVectorActivation
        {
            if ((Stages & GruStage.Candidate) != 0)
            {
                var dh = Vector256.Load(dhRecurrent);
                if (dhDropped is not null) // same order of additions as the kernel
                    dh += Vector256.Load(dhDropped) * Vector256.Load(recurrentMask) + Vector256.Load(dhDropped + s) * Vector256.Load(recurrentMask + s)
                        + Vector256.Load(dhDropped + 2 * s) * Vector256.Load(recurrentMask + 2 * s);
                if (dhOutput is not null)
                    dh += Vector256.Load(dhOutput);
                Vector256<float> dz = Vector256<float>.Zero, dc = Vector256<float>.Zero;
                if (masked)
                {
                    dh.Store(dhRecurrent); // h_t = h_{t-1}: the grad passes straight through
                }
                else
                {
                    var update = Vector256.Load(g);
                    var candidate = Vector256.Load(g + 2 * s);
                    dc = dh * (Vector256<float>.One - update) * TAct.DerivFromOutput(candidate);
                    dz = dh * (Vector256.Load(hPrev) - candidate) * TRec.DerivFromOutput(update);
                    (dh * update).Store(dhRecurrent);
                }
                dz.Store(dInput);
                dc.Store(dInput + 2 * s);
                if (ResetAfter)
                {
                    dz.Store(dRecurrent);
                    (masked ? Vector256<float>.Zero : dc * Vector256.Load(g + s)).Store(dRecurrent + 2 * s);
                }
            }
            if ((Stages & GruStage.Gates) == 0)
                return;
            Vector256<float> dr = Vector256<float>.Zero, dResetInput = Vector256<float>.Zero; // dResetInput: d(the h that r multiplies), reset_before
            if (!masked)
            {
                var reset = Vector256.Load(g + s);
                Vector256<float> dReset;
                if (ResetAfter)
                {
                    dReset = Vector256.Load(dInput + 2 * s) * Vector256.Load(rec + 2 * s);
                }
                else
                {
                    var dResetH = Vector256.Load(dResetHidden);
                    var h = Vector256.Load(hPrev);
                    dReset = dResetH * (recurrentMask is null ? h : h * Vector256.Load(recurrentMask + 2 * s));
                    dResetInput = dResetH * reset;
                }
                dr = dReset * TRec.DerivFromOutput(reset);
            }
            dr.Store(dInput + s);
            if (ResetAfter)
                dr.Store(dRecurrent + s);
            else if (dhDropped is not null)
                dResetInput.Store(dhDropped + 2 * s);
            else
                (Vector256.Load(dhRecurrent) + dResetInput).Store(dhRecurrent);
        }
    }
}
