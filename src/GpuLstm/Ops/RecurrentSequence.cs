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
/// What the GRU and SimpleRNN sequence ops share around their own step kernels: shape checks, the
/// input GEMM for all steps, the [T+1, B, H] state buffer with h_0 in row 0, per-step views, and the
/// input-side, recurrent-kernel, bias and initial-state grads after the backward loop.
/// </summary>
internal static class RecurrentSequence
{
    /// <param name="gates">column blocks per unit in the kernels: 3 for GRU, 1 for SimpleRNN</param>
    public static SequenceShape Check(string name, Tensor x, Tensor kernel, Tensor recurrentKernel, int gates,
        Tensor? h0, Tensor? mask)
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

    /// <summary>The input projection for all steps at once: pre[T*B, G] = x[T*B, I] W.</summary>
    public static void InputProjection(ComputeDevice device, string name, Tensor x, Tensor kernel, Tensor pre)
    {
        int rows = x.Shape[0] * x.Shape[1], inputs = x.Shape[2], columns = kernel.Shape[1];
        Gemm.Run(device, name, MatrixView.Of(x, rows, inputs), MatrixView.Of(kernel, inputs, columns), MatrixView.Of(pre, rows, columns));
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

    /// <summary>After the loop: kernel [I, G] += x^T dPre and x [T*B, I] += dPre W^T.</summary>
    public static void InputGrads(Tape tape, string op, Tensor x, Tensor kernel, MatrixView dPre)
    {
        var device = tape.Device;
        int rows = dPre.Rows, inputs = x.Shape[2], columns = kernel.Shape[1];
        if (kernel.RequiresGrad)
        {
            var (gw, beta) = tape.GradFor(kernel);
            Gemm.Run(device, op, MatrixView.Of(x, rows, inputs).T, dPre, MatrixView.Of(gw, inputs, columns), 1f, beta);
        }
        if (x.RequiresGrad)
        {
            var (gx, beta) = tape.GradFor(x);
            Gemm.Run(device, op, dPre, MatrixView.Of(kernel, inputs, columns).T, MatrixView.Of(gx, rows, inputs), 1f, beta);
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

    public static void InitialStateGrad(Tape tape, Tensor? h0, ArrayView<float> dh)
    {
        if (!(h0?.RequiresGrad ?? false))
            return;
        var (gh0, beta) = tape.GradFor(h0);
        Elementwise.Axpby(tape.Device, 1f, dh, beta, gh0.View);
    }
}
