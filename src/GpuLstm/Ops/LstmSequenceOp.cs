using GpuLstm.Autograd;
using GpuLstm.Kernels;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>What an LSTM sequence returns: every step's h, and the final h and c.</summary>
public sealed record LstmOutputs(
    Tensor Sequence,     // [T, B, H] h_1 .. h_T
    Tensor FinalHidden,  // [B, H]    h_T
    Tensor FinalCell);   // [B, H]    c_T

/// <summary>
/// A whole LSTM sequence as one tape entry (haste style). Forward: one input GEMM for all T steps,
/// then per step one recurrent GEMM accumulating into that step's gates and one fused pointwise
/// kernel. Backward: reverse time, per step the fused pointwise backward and one GEMM carrying dh
/// through the recurrent weights; weight, bias and input grads as large GEMMs after the loop.
/// Time-major throughout; h and c are [T+1, B, H] with row 0 the initial state.
/// </summary>
public static class LstmSequenceOp
{
    /// <param name="x">[T, B, I] time-major input</param>
    /// <param name="kernel">[I, 4H] input weights, gates i, f, g, o</param>
    /// <param name="recurrentKernel">[H, 4H]</param>
    /// <param name="bias">[4H], or null for none</param>
    /// <param name="h0">[B, H] initial hidden state, or null for zeros</param>
    /// <param name="c0">[B, H] initial cell state, or null for zeros</param>
    /// <param name="mask">[T, B] time-major, 0 marks padded steps (state carried over), or null</param>
    public static LstmOutputs Forward(Tape tape, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? h0 = null, Tensor? c0 = null, int cellActivation = ActivationCode.Tanh,
        int recurrentActivation = ActivationCode.Sigmoid, string name = "lstm", Tensor? mask = null)
    {
        ShapeUtil.ExpectRank(name, "input", x.Shape, 3, "[time, batch, features]");
        int steps = x.Shape[0], batch = x.Shape[1], inputs = x.Shape[2];
        ShapeUtil.ExpectRank(name, "recurrent kernel", recurrentKernel.Shape, 2, "[units, 4*units]");
        int hidden = recurrentKernel.Shape[0];
        ShapeUtil.Expect(name, "recurrent kernel", recurrentKernel.Shape, [hidden, 4 * hidden]);
        ShapeUtil.Expect(name, "kernel", kernel.Shape, [inputs, 4 * hidden]);
        if (bias is not null)
            ShapeUtil.Expect(name, "bias", bias.Shape, [4 * hidden]);
        if (h0 is not null)
            ShapeUtil.Expect(name, "initial hidden state", h0.Shape, [batch, hidden]);
        if (c0 is not null)
            ShapeUtil.Expect(name, "initial cell state", c0.Shape, [batch, hidden]);
        if (mask is not null)
            ShapeUtil.Expect(name, "mask (time-major)", mask.Shape, [steps, batch]);
        var args = new LstmStepArgs
        {
            Batch = batch, Hidden = hidden, CellActivation = cellActivation, RecurrentActivation = recurrentActivation,
            HasBias = bias is null ? 0 : 1, HasMask = mask is null ? 0 : 1,
        };

        var device = tape.Device;
        long gatesLen = (long)steps * batch * 4 * hidden, stateLen = (long)(steps + 1) * batch * hidden, bh = (long)batch * hidden;
        // One allocation: gates [T, B, 4H] | h [T+1, B, H] | c [T+1, B, H].
        var workspace = tape.NewTensor([(int)(gatesLen + 2 * stateLen)], name + ".workspace");
        var gates = tape.Own(workspace.Slice(0, [steps, batch, 4 * hidden], name + ".gates"));
        var h = tape.Own(workspace.Slice(gatesLen, [steps + 1, batch, hidden], name + ".h"));
        var c = tape.Own(workspace.Slice(gatesLen + stateLen, [steps + 1, batch, hidden], name + ".c"));
        var hRows = MatrixView.Of(h, (steps + 1) * batch, hidden);

        InitialState(device, h0, h, bh);
        InitialState(device, c0, c, bh);
        // Input projection for all steps at once: gates[T*B, 4H] = x[T*B, I] W.
        Gemm.Run(device, name, MatrixView.Of(x, steps * batch, inputs), MatrixView.Of(kernel, inputs, 4 * hidden),
            MatrixView.Of(gates, steps * batch, 4 * hidden));
        var u = MatrixView.Of(recurrentKernel, hidden, 4 * hidden);
        int threads = device.Threads(bh);
        for (int t = 0; t < steps; t++)
        {
            var gatesT = gates.View.SubView(t * batch * 4L * hidden, batch * 4L * hidden);
            Gemm.Run(device, name, Rows(hRows, t * batch, batch), u,
                new MatrixView(gatesT, batch, 4 * hidden, 4 * hidden, 1), 1f, 1f);
            device.Kernels.LstmForward(threads, threads, args, gatesT, (bias ?? gates).View, MaskRow(mask, gates, t, batch),
                h.View.SubView(t * bh, bh), c.View.SubView(t * bh, bh), c.View.SubView((t + 1) * bh, bh), h.View.SubView((t + 1) * bh, bh));
        }

        bool needsGrad = x.RequiresGrad || kernel.RequiresGrad || recurrentKernel.RequiresGrad || (bias?.RequiresGrad ?? false)
            || (h0?.RequiresGrad ?? false) || (c0?.RequiresGrad ?? false);
        var outputs = new LstmOutputs(
            tape.Own(h.Slice(bh, [steps, batch, hidden], name + ".sequence")),
            tape.Own(h.Slice(steps * bh, [batch, hidden], name + ".final_h")),
            tape.Own(c.Slice(steps * bh, [batch, hidden], name + ".final_c")));
        outputs.Sequence.RequiresGrad = outputs.FinalHidden.RequiresGrad = outputs.FinalCell.RequiresGrad = needsGrad;

        tape.Record(name, () => Backward(tape, x, kernel, recurrentKernel, bias, h0, c0, args, mask, name, gates, h, c, outputs));
        return outputs;
    }

    private static void Backward(Tape tape, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? h0, Tensor? c0, LstmStepArgs args, Tensor? mask, string name,
        Tensor gates, Tensor h, Tensor c, LstmOutputs outputs)
    {
        var (sequence, finalH, finalC) = outputs;
        if (!sequence.GradValid && !finalH.GradValid && !finalC.GradValid)
            return;
        var device = tape.Device;
        int steps = x.Shape[0], batch = x.Shape[1], inputs = x.Shape[2], hidden = recurrentKernel.Shape[0];
        long gatesLen = (long)steps * batch * 4 * hidden, bh = (long)batch * hidden;
        string op = name + ".backward";

        // One allocation: dGates [T, B, 4H] | dh [B, H] | dc [B, H].
        var workspace = tape.NewTensor([(int)(gatesLen + 2 * bh)], name + ".backward_workspace");
        var dGates = workspace.View.SubView(0, gatesLen);
        var dh = workspace.View.SubView(gatesLen, bh);
        var dc = workspace.View.SubView(gatesLen + bh, bh);
        StartGrad(device, finalH, dh);
        StartGrad(device, finalC, dc);

        var u = MatrixView.Of(recurrentKernel, hidden, 4 * hidden);
        bool needH0 = h0?.RequiresGrad ?? false;
        int hasSeqGrad = sequence.GradValid ? 1 : 0;
        args.HasOutputGrad = hasSeqGrad;
        // With a mask the pointwise kernel leaves the pass-through part of dh in place for the GEMM to add to.
        float recurrentBeta = mask is null ? 0f : 1f;
        int threads = device.Threads(bh);
        for (int t = steps - 1; t >= 0; t--)
        {
            var gatesT = gates.View.SubView(t * batch * 4L * hidden, batch * 4L * hidden);
            var dGatesT = dGates.SubView(t * batch * 4L * hidden, batch * 4L * hidden);
            var dhOut = hasSeqGrad != 0 ? sequence.Grad!.View.SubView(t * bh, bh) : dh;
            device.Kernels.LstmBackward(threads, threads, args, gatesT, MaskRow(mask, gates, t, batch),
                c.View.SubView(t * bh, bh), c.View.SubView((t + 1) * bh, bh), dhOut, dh, dc, dGatesT);
            if (t > 0 || needH0) // dh_{t} = dGates_t U^T (+ what masked rows pass straight through)
                Gemm.Run(device, op, new MatrixView(dGatesT, batch, 4 * hidden, 4 * hidden, 1), u.T,
                    new MatrixView(dh, batch, hidden, hidden, 1), 1f, recurrentBeta);
        }

        var dG = new MatrixView(dGates, steps * batch, 4 * hidden, 4 * hidden, 1);    // [T*B, 4H]
        if (kernel.RequiresGrad)
        {
            var (gw, beta) = tape.GradFor(kernel);                                       // [I, 4H] += x^T dG
            Gemm.Run(device, op, MatrixView.Of(x, steps * batch, inputs).T, dG, MatrixView.Of(gw, inputs, 4 * hidden), 1f, beta);
        }
        if (recurrentKernel.RequiresGrad)
        {
            var (gu, beta) = tape.GradFor(recurrentKernel);                              // [H, 4H] += h_{0..T-1}^T dG
            var hPrev = new MatrixView(h.View, steps * batch, hidden, hidden, 1);
            Gemm.Run(device, op, hPrev.T, dG, MatrixView.Of(gu, hidden, 4 * hidden), 1f, beta);
        }
        if (bias is not null && bias.RequiresGrad)
        {
            var (gb, beta) = tape.GradFor(bias);                                         // [4H] += colsum(dG)
            Elementwise.ColumnSum(device, dGates, steps * batch, 4 * hidden, beta, gb.View);
        }
        if (x.RequiresGrad)
        {
            var (gx, beta) = tape.GradFor(x);                                            // [T*B, I] += dG W^T
            Gemm.Run(device, op, dG, MatrixView.Of(kernel, inputs, 4 * hidden).T, MatrixView.Of(gx, steps * batch, inputs), 1f, beta);
        }
        if (needH0)
        {
            var (gh0, beta) = tape.GradFor(h0!);
            Elementwise.Axpby(device, 1f, dh, beta, gh0.View);
        }
        if (c0?.RequiresGrad ?? false)
        {
            var (gc0, beta) = tape.GradFor(c0);
            Elementwise.Axpby(device, 1f, dc, beta, gc0.View);
        }
    }

    /// <summary>Row t of a [T, B] mask, or any view when there is none (the kernel then never reads it).</summary>
    private static ILGPU.ArrayView<float> MaskRow(Tensor? mask, Tensor fallback, int t, int batch) =>
        mask is null ? fallback.View : mask.View.SubView((long)t * batch, batch);

    private static MatrixView Rows(MatrixView m, int first, int count) =>
        new(m.View.SubView((long)first * m.RowStride, (long)count * m.RowStride), count, m.Cols, m.RowStride, m.ColStride);

    private static void InitialState(Device.ComputeDevice device, Tensor? initial, Tensor states, long bh)
    {
        var row0 = states.View.SubView(0, bh);
        if (initial is null)
            Elementwise.Fill(device, row0, 0f);
        else
            Elementwise.Axpby(device, 1f, initial.View, 0f, row0);
    }

    private static void StartGrad(Device.ComputeDevice device, Tensor output, ILGPU.ArrayView<float> grad)
    {
        if (output.GradValid)
            Elementwise.Axpby(device, 1f, output.Grad!.View, 0f, grad);
        else
            Elementwise.Fill(device, grad, 0f);
    }
}
