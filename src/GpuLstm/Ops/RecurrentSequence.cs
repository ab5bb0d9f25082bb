using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Memory;
using ILGPU;

namespace GpuLstm.Ops;

/// <summary>The sizes of one time-major recurrent sequence.</summary>
internal readonly record struct SequenceShape(int Steps, int Batch, int Inputs, int Hidden)
{
    /// <summary>Elements of one step's [B, H] state.</summary>
    public long StateLength => (long)Batch * Hidden;
}

/// <summary>
/// Keras's in-cell dropout of one call (implementation 1: one mask per gate, inverted scaling, the
/// same for every step) and the dropped copies the GEMMs read; all null without it.
/// </summary>
internal sealed record CellDropout(
    Tensor? RecurrentMask, // [B, G*H] on h_{t-1}
    Tensor? H,             // [T+1, B, G*H] h_t * mask per gate, row 0 from h_0
    Tensor? InputMask,     // [B, G*I] on x_t
    Tensor? X);            // [T, B, G*I] x_t * mask per gate

/// <summary>
/// What the GRU and SimpleRNN sequence ops share around their own step kernels: shape checks, the
/// input GEMM for all steps, the [T+1, B, H] state buffer with h_0 in row 0, per-step views, and the
/// input-side, recurrent-kernel, bias and initial-state grads after the backward loop.
/// </summary>
internal static class RecurrentSequence
{
    /// <param name="gates">column blocks per unit in the kernels: 3 for GRU, 1 for SimpleRNN</param>
    public static SequenceShape Check(string name, Tensor x, Tensor kernel, Tensor recurrentKernel, int gates,
        Tensor? h0, Tensor? mask, Tensor? recurrentDropoutMask = null, Tensor? inputDropoutMask = null)
    {
        ShapeUtil.ExpectRank(name, "input", x.Shape, 3, "[time, batch, features]");
        int steps = x.Shape[0], batch = x.Shape[1], inputs = x.Shape[2];
        string columns = gates == 1 ? "units" : $"{gates}*units";
        ShapeUtil.ExpectRank(name, "recurrent kernel", recurrentKernel.Shape, 2, $"[units, {columns}]");
        int hidden = recurrentKernel.Shape[0];
        ShapeUtil.Expect(name, "recurrent kernel", recurrentKernel.Shape, [hidden, gates * hidden]);
        ShapeUtil.Expect(name, "kernel", kernel.Shape, [inputs, gates * hidden]);
        if (h0 is not null)
            ShapeUtil.Expect(name, "initial hidden state", h0.Shape, [batch, hidden]);
        if (mask is not null)
            ShapeUtil.Expect(name, "mask (time-major)", mask.Shape, [steps, batch]);
        if (recurrentDropoutMask is not null)
            ShapeUtil.Expect(name, "recurrent dropout mask", recurrentDropoutMask.Shape, [batch, gates * hidden]);
        if (inputDropoutMask is not null)
            ShapeUtil.Expect(name, "input dropout mask", inputDropoutMask.Shape, [batch, gates * inputs]);
        return new SequenceShape(steps, batch, inputs, hidden);
    }

    public static bool NeedsGrad(params Tensor?[] inputs) => inputs.Any(t => t?.RequiresGrad ?? false);

    /// <summary>Row 0 of the [T+1, B, H] states: h0, or zeros.</summary>
    public static void InitialState(ComputeDevice device, Tensor? h0, Tensor states, long stateLength)
    {
        var row0 = states.View.SubView(0, stateLength);
        if (h0 is null)
            Elementwise.Fill(device, row0, 0f);
        else
            Elementwise.Axpby(device, 1f, h0.View, 0f, row0);
    }

    /// <summary>
    /// The input projection for all steps at once: pre[T*B, G] = x[T*B, I] W. With a per-gate input
    /// dropout mask [B, gates*I] gate k's columns read x * mask_k, one GEMM per gate; returns that
    /// dropped copy [T, B, gates*I] for backward (null without a mask).
    /// </summary>
    public static Tensor? InputProjection(Tape tape, string name, Tensor x, Tensor kernel, Tensor pre, Tensor? dropoutMask)
    {
        var device = tape.Device;
        int rows = x.Shape[0] * x.Shape[1], inputs = x.Shape[2], columns = kernel.Shape[1];
        var w = MatrixView.Of(kernel, inputs, columns);
        var all = MatrixView.Of(pre, rows, columns);
        if (dropoutMask is null)
        {
            Gemm.Run(device, name, MatrixView.Of(x, rows, inputs), w, all);
            return null;
        }
        int gates = dropoutMask.Shape[1] / inputs, width = columns / gates;
        var xDropped = tape.NewTensor([x.Shape[0], x.Shape[1], gates * inputs], name + ".x_dropped"); // [T, B, G*I]
        GateDropout.Expand(device, x.View, rows, inputs, dropoutMask, xDropped.View);
        var xd = MatrixView.Of(xDropped, rows, gates * inputs);
        for (int k = 0; k < gates; k++)
            Gemm.Run(device, name, GateDropout.Gate(xd, k, inputs), GateDropout.Gate(w, k, width), GateDropout.Gate(all, k, width));
        return xDropped;
    }

    /// <summary>
    /// With a per-gate recurrent dropout mask [B, gates*H]: the dropped copies of the states
    /// [T+1, B, gates*H] the recurrent GEMMs read; row 0 (from h_0) is filled here, the others by the
    /// step kernels. Null without a mask.
    /// </summary>
    public static Tensor? DroppedStates(Tape tape, Tensor h, Tensor? recurrentMask, string name)
    {
        if (recurrentMask is null)
            return null;
        int batch = h.Shape[1], hidden = h.Shape[2], width = recurrentMask.Shape[1];
        var dropped = tape.NewTensor([h.Shape[0], batch, width], name + ".h_dropped"); // [T+1, B, G*H]
        GateDropout.Expand(tape.Device, h.View.SubView(0, (long)batch * hidden), batch, hidden, recurrentMask,
            dropped.View.SubView(0, (long)batch * width));
        return dropped;
    }

    /// <summary>
    /// rec[:, gates first..first+count) (+)= h_{t-1} U for those gates, one GEMM; with recurrent dropout
    /// one GEMM per gate, gate k reading its own dropped copy hDropped[:, k] of [B, gates*H].
    /// </summary>
    public static void RecurrentGemm(ComputeDevice device, string name, MatrixView hPrev, MatrixView? hDropped,
        MatrixView u, MatrixView rec, int first, int count, float beta = 0f)
    {
        int hidden = hPrev.Cols;
        if (hDropped is not { } hd)
        {
            Gemm.Run(device, name, hPrev, Columns(u, first * hidden, count * hidden), Columns(rec, first * hidden, count * hidden), 1f, beta);
            return;
        }
        for (int k = first; k < first + count; k++)
            Gemm.Run(device, name, GateDropout.Gate(hd, k, hidden), GateDropout.Gate(u, k, hidden), GateDropout.Gate(rec, k, hidden), 1f, beta);
    }

    /// <summary>
    /// Backward of <see cref="RecurrentGemm"/>: dh += dRec U^T for those gates; with recurrent dropout
    /// dhDropped[:, k] = dRec_k U_k^T per gate instead, which the step kernel folds into dh through the masks.
    /// </summary>
    public static void RecurrentGemmBackward(ComputeDevice device, string op, MatrixView dRec, MatrixView u, MatrixView dh,
        MatrixView? dhDropped, int first, int count)
    {
        int hidden = dh.Cols;
        if (dhDropped is not { } dd)
        {
            Gemm.Run(device, op, Columns(dRec, first * hidden, count * hidden), Columns(u, first * hidden, count * hidden).T, dh, 1f, 1f);
            return;
        }
        for (int k = first; k < first + count; k++)
            Gemm.Run(device, op, GateDropout.Gate(dRec, k, hidden), GateDropout.Gate(u, k, hidden).T, GateDropout.Gate(dd, k, hidden));
    }

    /// <summary>Step t's [B, cols] block of a time-major [T, B, cols] buffer.</summary>
    public static MatrixView Step(ArrayView<float> buffer, int t, int batch, int cols) =>
        new(buffer.SubView((long)t * batch * cols, (long)batch * cols), batch, cols, cols, 1);

    /// <summary>Columns [first, first + count) of a row-major matrix, still strided by its full width.</summary>
    public static MatrixView Columns(MatrixView m, int first, int count)
    {
        long span = (long)(m.Rows - 1) * m.RowStride + (long)(count - 1) * m.ColStride + 1;
        return new MatrixView(m.View.SubView((long)first * m.ColStride, span), m.Rows, count, m.RowStride, m.ColStride);
    }

    /// <summary>Row t of a [T, B] mask, or any view when there is none (the kernel then never reads it).</summary>
    public static ArrayView<float> MaskRow(Tensor? mask, Tensor fallback, int t, int batch) =>
        mask is null ? fallback.View : mask.View.SubView((long)t * batch, batch);

    /// <summary>The sequence ([T, B, H] rows 1..T of the states) and the final state, as tape-owned views.</summary>
    public static RecurrentSequenceOutputs Outputs(Tape tape, Tensor states, SequenceShape s, string name, bool needsGrad)
    {
        long bh = s.StateLength;
        var outputs = new RecurrentSequenceOutputs(
            tape.Own(states.Slice(bh, [s.Steps, s.Batch, s.Hidden], name + ".sequence")),
            tape.Own(states.Slice(s.Steps * bh, [s.Batch, s.Hidden], name + ".final_h")));
        outputs.Sequence.RequiresGrad = outputs.FinalHidden.RequiresGrad = needsGrad;
        return outputs;
    }

    /// <summary>The grad that starts the reverse loop: the final state's, or zeros.</summary>
    public static void StartGrad(ComputeDevice device, Tensor output, ArrayView<float> grad)
    {
        if (output.GradValid)
            Elementwise.Axpby(device, 1f, output.Grad!.View, 0f, grad);
        else
            Elementwise.Fill(device, grad, 0f);
    }

    /// <summary>
    /// After the loop: kernel [I, G] += x^T dPre and x [T*B, I] += dPre W^T; with per-gate input
    /// dropout per gate from the dropped copy, and x's grad folded back through the masks.
    /// </summary>
    public static void InputGrads(Tape tape, string op, Tensor x, Tensor kernel, MatrixView dPre, CellDropout? dropout = null)
    {
        var device = tape.Device;
        int rows = dPre.Rows, inputs = x.Shape[2], columns = kernel.Shape[1];
        var w = MatrixView.Of(kernel, inputs, columns);
        var (xDropped, inputMask) = (dropout?.X, dropout?.InputMask);
        int gates = inputMask is null ? 1 : inputMask.Shape[1] / inputs, width = columns / gates;
        if (kernel.RequiresGrad)
        {
            var (gw, beta) = tape.GradFor(kernel);
            var dw = MatrixView.Of(gw, inputs, columns);
            if (xDropped is null)
                Gemm.Run(device, op, MatrixView.Of(x, rows, inputs).T, dPre, dw, 1f, beta);
            else
                for (int k = 0; k < gates; k++)                                    // [I, G/gates] per gate += x_k^T dPre_k
                    Gemm.Run(device, op, GateDropout.Gate(MatrixView.Of(xDropped, rows, gates * inputs), k, inputs).T,
                        GateDropout.Gate(dPre, k, width), GateDropout.Gate(dw, k, width), 1f, beta);
        }
        if (x.RequiresGrad)
        {
            var (gx, beta) = tape.GradFor(x);
            if (xDropped is null)
            {
                Gemm.Run(device, op, dPre, w.T, MatrixView.Of(gx, rows, inputs), 1f, beta);
                return;
            }
            var dxDropped = tape.NewTensor([rows, gates * inputs], op + ".dx_dropped");  // [T*B, G*I] per gate dPre_k W_k^T
            var dxd = MatrixView.Of(dxDropped, rows, gates * inputs);
            for (int k = 0; k < gates; k++)
                Gemm.Run(device, op, GateDropout.Gate(dPre, k, width), GateDropout.Gate(w, k, width).T, GateDropout.Gate(dxd, k, inputs));
            GateDropout.Reduce(device, dxDropped.View, rows, inputs, inputMask!, beta, gx.View);
        }
    }

    /// <summary>
    /// recurrent kernel [H, G] += states^T dPre, in column blocks: each block is a (states, grads)
    /// pair ([T*B, H] GEMM inputs, [T*B, cols] grads), so reset_before GRU can pair U_h with r h.
    /// </summary>
    public static void RecurrentKernelGrad(Tape tape, string op, Tensor recurrentKernel, params (MatrixView States, MatrixView Grads)[] blocks)
    {
        if (!recurrentKernel.RequiresGrad)
            return;
        var (gu, beta) = tape.GradFor(recurrentKernel);
        var all = MatrixView.Of(gu, recurrentKernel.Shape[0], recurrentKernel.Shape[1]);
        int first = 0;
        foreach (var (states, grads) in blocks)
        {
            Gemm.Run(tape.Device, op, states.T, grads, Columns(all, first, grads.Cols), 1f, beta);
            first += grads.Cols;
        }
    }

    /// <summary>bias += column sums of each [rows, cols] grad buffer in turn (GRU reset_after: input row, then recurrent row).</summary>
    public static void BiasGrad(Tape tape, Tensor? bias, int rows, int cols, params ArrayView<float>[] grads)
    {
        if (bias is null || !bias.RequiresGrad)
            return;
        var (gb, beta) = tape.GradFor(bias);
        for (int i = 0; i < grads.Length; i++)
            Elementwise.ColumnSum(tape.Device, grads[i], rows, cols, beta, gb.View.SubView((long)i * cols, cols));
    }

    /// <summary>h0's grad: dh, plus with recurrent dropout the dropped copies' grads from step 0's GEMMs, through the masks.</summary>
    public static void InitialStateGrad(Tape tape, Tensor? h0, ArrayView<float> dh, ArrayView<float> dhDropped = default,
        Tensor? recurrentMask = null)
    {
        if (!(h0?.RequiresGrad ?? false))
            return;
        if (recurrentMask is not null)
            GateDropout.Reduce(tape.Device, dhDropped, h0.Shape[0], h0.Shape[1], recurrentMask, 1f, dh);
        var (gh0, beta) = tape.GradFor(h0);
        Elementwise.Axpby(tape.Device, 1f, dh, beta, gh0.View);
    }
}
