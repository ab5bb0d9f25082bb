using GpuLstm.Autograd;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using static GpuLstm.Ops.GateDropout;

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
/// Keras's dropout inside the cell (recurrent_dropout, and dropout with it) uses one mask per gate,
/// so with such a mask the GEMM it touches runs as four GEMMs on column blocks, one per gate, over a
/// per-gate dropped copy of its input; without masks nothing of that runs.
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
    /// <param name="recurrentDropoutMask">[B, 4H] per-gate mask (already scaled) on h_{t-1} for every step, or null</param>
    /// <param name="inputDropoutMask">[B, 4I] per-gate mask (already scaled) on x_t for every step, or null</param>
    public static LstmOutputs Forward(Tape tape, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? h0 = null, Tensor? c0 = null, int cellActivation = ActivationCode.Tanh,
        int recurrentActivation = ActivationCode.Sigmoid, string name = "lstm", Tensor? mask = null,
        Tensor? recurrentDropoutMask = null, Tensor? inputDropoutMask = null)
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
        if (recurrentDropoutMask is not null)
            ShapeUtil.Expect(name, "recurrent dropout mask", recurrentDropoutMask.Shape, [batch, 4 * hidden]);
        if (inputDropoutMask is not null)
            ShapeUtil.Expect(name, "input dropout mask", inputDropoutMask.Shape, [batch, 4 * inputs]);
        var args = new LstmStepArgs
        {
            Batch = batch, Hidden = hidden, CellActivation = cellActivation, RecurrentActivation = recurrentActivation,
            HasBias = bias is null ? 0 : 1, HasMask = mask is null ? 0 : 1,
            HasRecurrentDropout = recurrentDropoutMask is null ? 0 : 1,
        };

        var device = tape.Device;
        long gatesLen = (long)steps * batch * 4 * hidden, stateLen = (long)(steps + 1) * batch * hidden, bh = (long)batch * hidden;
        long droppedHLen = recurrentDropoutMask is null ? 0 : (steps + 1) * 4 * bh;
        long droppedXLen = inputDropoutMask is null ? 0 : 4 * x.Length;
        // One allocation: gates [T, B, 4H] | h [T+1, B, H] | c [T+1, B, H] | with dropout masks hDropped [T+1, B, 4H] | xDropped [T, B, 4I].
        var workspace = tape.NewTensor([ShapeUtil.WorkspaceLength(gatesLen + 2 * stateLen + droppedHLen + droppedXLen, name,
            "forward workspace (gates [T, B, 4H], h and c [T+1, B, H])", steps, batch, hidden)], name + ".workspace");
        var gates = tape.Own(workspace.Slice(0, [steps, batch, 4 * hidden], name + ".gates"));
        var h = tape.Own(workspace.Slice(gatesLen, [steps + 1, batch, hidden], name + ".h"));
        var c = tape.Own(workspace.Slice(gatesLen + stateLen, [steps + 1, batch, hidden], name + ".c"));
        var hDropped = recurrentDropoutMask is null ? null
            : tape.Own(workspace.Slice(gatesLen + 2 * stateLen, [steps + 1, batch, 4 * hidden], name + ".h_dropped"));
        var xDropped = inputDropoutMask is null ? null
            : tape.Own(workspace.Slice(gatesLen + 2 * stateLen + droppedHLen, [steps, batch, 4 * inputs], name + ".x_dropped"));
        var hRows = MatrixView.Of(h, (steps + 1) * batch, hidden);

        InitialState(device, h0, h, bh);
        InitialState(device, c0, c, bh);
        if (hDropped is not null)
            GateDropout.Expand(device, h.View.SubView(0, bh), batch, hidden, recurrentDropoutMask!, hDropped.View.SubView(0, 4 * bh));
        // Input projection for all steps at once: gates[T*B, 4H] = x[T*B, I] W (per gate on x dropped per gate).
        var w = MatrixView.Of(kernel, inputs, 4 * hidden);
        var allGates = MatrixView.Of(gates, steps * batch, 4 * hidden);
        if (xDropped is null)
            Gemm.Run(device, name, MatrixView.Of(x, steps * batch, inputs), w, allGates);
        else
        {
            GateDropout.Expand(device, x.View, steps * batch, inputs, inputDropoutMask!, xDropped.View);
            var xd = MatrixView.Of(xDropped, steps * batch, 4 * inputs);
            for (int k = 0; k < 4; k++)
                Gemm.Run(device, name, Gate(xd, k, inputs), Gate(w, k, hidden), Gate(allGates, k, hidden));
        }
        var u = MatrixView.Of(recurrentKernel, hidden, 4 * hidden);
        int threads = device.Threads(bh);
        // On CPU cores the whole loop below runs as one fused region (same math, see CpuLstmRecurrence); the grid
        // recurrence does the recurrent product and the gate math in one kernel, per step or per sequence
        // (GPULSTM_RECURRENCE=stepwise or persistent).
        var route = device.LstmRecurrencePath(hDropped is not null, batch, hidden);
        route.Fused?.Forward(args, steps, gates.View, (bias ?? gates).View, (mask ?? gates).View, h.View, c.View, recurrentKernel.View);
        if (route.Grid is { } plan)
            GridRecurrence.LstmForward(device, plan, args, steps, recurrentKernel.View, gates.View, (bias ?? gates).View, (mask ?? gates).View,
                h.View, c.View, (recurrentDropoutMask ?? gates).View, (hDropped ?? gates).View);
        for (int t = 0; t < steps && route.Fused is null && route.Grid is null; t++)
        {
            var gatesT = gates.View.SubView(t * batch * 4L * hidden, batch * 4L * hidden);
            var gatesRows = new MatrixView(gatesT, batch, 4 * hidden, 4 * hidden, 1);
            if (hDropped is null)
                Gemm.Run(device, name, Rows(hRows, t * batch, batch), u, gatesRows, 1f, 1f);
            else
                for (int k = 0; k < 4; k++) // gate k reads h_t dropped by its own mask
                    Gemm.Run(device, name, Gate(DroppedRow(hDropped, t, batch), k, hidden), Gate(u, k, hidden), Gate(gatesRows, k, hidden), 1f, 1f);
            device.Kernels.LstmForward(threads, threads, args, gatesT, (bias ?? gates).View, MaskRow(mask, gates, t, batch),
                h.View.SubView(t * bh, bh), c.View.SubView(t * bh, bh), c.View.SubView((t + 1) * bh, bh), h.View.SubView((t + 1) * bh, bh),
                (recurrentDropoutMask ?? gates).View, hDropped is null ? gates.View : DroppedRow(hDropped, t + 1, batch).View);
        }

        bool needsGrad = x.RequiresGrad || kernel.RequiresGrad || recurrentKernel.RequiresGrad || (bias?.RequiresGrad ?? false)
            || (h0?.RequiresGrad ?? false) || (c0?.RequiresGrad ?? false);
        var outputs = new LstmOutputs(
            tape.Own(h.Slice(bh, [steps, batch, hidden], name + ".sequence")),
            tape.Own(h.Slice(steps * bh, [batch, hidden], name + ".final_h")),
            tape.Own(c.Slice(steps * bh, [batch, hidden], name + ".final_c")));
        outputs.Sequence.RequiresGrad = outputs.FinalHidden.RequiresGrad = outputs.FinalCell.RequiresGrad = needsGrad;

        var dropped = new Dropped(recurrentDropoutMask, hDropped, inputDropoutMask, xDropped);
        tape.Record(name, () => Backward(tape, x, kernel, recurrentKernel, bias, h0, c0, args, mask, name, gates, h, c, outputs, dropped));
        return outputs;
    }

    /// <summary>The per-gate dropout masks of one call and the dropped copies that the GEMMs read; all null without dropout.</summary>
    private sealed record Dropped(
        Tensor? RecurrentMask, // [B, 4H]
        Tensor? H,             // [T+1, B, 4H] h_t * mask per gate
        Tensor? InputMask,     // [B, 4I]
        Tensor? X);            // [T, B, 4I] x_t * mask per gate

    private static void Backward(Tape tape, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? h0, Tensor? c0, LstmStepArgs args, Tensor? mask, string name,
        Tensor gates, Tensor h, Tensor c, LstmOutputs outputs, Dropped dropped)
    {
        var (sequence, finalH, finalC) = outputs;
        if (!sequence.GradValid && !finalH.GradValid && !finalC.GradValid)
            return;
        var device = tape.Device;
        int steps = x.Shape[0], batch = x.Shape[1], inputs = x.Shape[2], hidden = recurrentKernel.Shape[0];
        long gatesLen = (long)steps * batch * 4 * hidden, bh = (long)batch * hidden;
        string op = name + ".backward";

        long dhDroppedLen = dropped.H is null ? 0 : 4 * bh;
        long dxDroppedLen = dropped.X is not null && x.RequiresGrad ? 4 * x.Length : 0;
        bool needH0 = h0?.RequiresGrad ?? false;
        // The per-step dh = dGates_t U^T reads U^T from a transposed copy: OpenBLAS multiplies [B, 4H] x [4H, H]
        // ~13% faster with both operands untransposed (B64 H256, measured by benchmarks/GpuLstm.Benchmarks gemm).
        // cuBLAS and the ILGPU kernel read a transposed operand at no cost (IGemmEngine.TransposedBIsFree): no copy
        // (and no launch) there. With
        // few rows per step in all (T * B < 1024; small: 320) the copy cost more than the ~2% it saved.
        // The forward's path; the grid recurrence carries dh through U itself, a GEMM remains only for dh_0.
        var route = device.LstmRecurrencePath(dropped.H is not null, batch, hidden);
        var fused = route.Fused;
        bool copyPays = fused is null && route.Grid is null && !device.Gemm.TransposedBIsFree && (long)steps * batch >= 1024;
        long uTLen = dropped.H is null && (steps > 1 || needH0) && copyPays ? 4L * hidden * hidden : 0;
        // One allocation: dGates [T, B, 4H] | dh [B, H] | dc [B, H] | with dropout masks dhDropped [B, 4H] | dxDropped [T, B, 4I]
        // | without recurrent dropout uT [4H, H].
        var workspace = tape.NewTensor([ShapeUtil.WorkspaceLength(gatesLen + 2 * bh + dhDroppedLen + dxDroppedLen + uTLen, name,
            "backward workspace (gate gradients [T, B, 4H])", steps, batch, hidden)], name + ".backward_workspace");
        var dGates = workspace.View.SubView(0, gatesLen);
        var dh = workspace.View.SubView(gatesLen, bh);
        var dc = workspace.View.SubView(gatesLen + bh, bh);
        var dhDropped = new MatrixView(dhDroppedLen == 0 ? dGates : workspace.View.SubView(gatesLen + 2 * bh, dhDroppedLen),
            batch, 4 * hidden, 4 * hidden, 1); // [B, 4H], never read without recurrent dropout
        StartGrad(device, finalH, dh);
        StartGrad(device, finalC, dc);
        if (dropped.H is not null && route.Grid is null) // the last step has no later step whose GEMMs would write it (the grid kernels read none)
            Elementwise.Fill(device, dhDropped.View, 0f);

        var u = MatrixView.Of(recurrentKernel, hidden, 4 * hidden);
        // U^T [4H, H]: the transposed copy where it pays, else U read transposed; never read with recurrent dropout.
        var uT = u.T;
        if (uTLen != 0)
        {
            uT = new MatrixView(workspace.View.SubView(gatesLen + 2 * bh + dhDroppedLen + dxDroppedLen, uTLen), 4 * hidden, hidden, hidden, 1);
            int n = device.Threads(uTLen);
            device.Kernels.SwapLeadingAxes(n, n, hidden, 4 * hidden, 1, -1, 0f, recurrentKernel.View, uT.View);
        }
        int hasSeqGrad = sequence.GradValid ? 1 : 0;
        args.HasOutputGrad = hasSeqGrad;
        // With a mask the pointwise kernel leaves the pass-through part of dh in place for the GEMM to add to.
        float recurrentBeta = mask is null ? 0f : 1f;
        int threads = device.Threads(bh);
        // The fused backward also sums the bias gradient while each step's dGates rows are in cache.
        bool fusedBias = fused is not null && bias is not null && bias.RequiresGrad;
        var (biasGrad, biasBeta) = fusedBias ? tape.GradFor(bias!) : (null, 0f);
        fused?.Backward(args, steps, gates.View, (mask ?? gates).View, c.View, hasSeqGrad != 0 ? sequence.Grad!.View : dh, dh, dc, dGates,
            recurrentKernel.View, recurrentBeta, needH0, biasGrad?.View ?? default, biasBeta);
        if (route.Grid is { } plan)
        {
            GridRecurrence.LstmBackward(device, plan, args, steps, recurrentKernel.View, dGates, gates.View, (mask ?? gates).View, c.View,
                hasSeqGrad != 0 ? sequence.Grad!.View : dh, dh, dc, (dropped.RecurrentMask ?? gates).View);
            if (needH0)
                CarryThroughU(0);
        }
        for (int t = steps - 1; t >= 0 && fused is null && route.Grid is null; t--)
        {
            var gatesT = gates.View.SubView(t * batch * 4L * hidden, batch * 4L * hidden);
            var dGatesT = dGates.SubView(t * batch * 4L * hidden, batch * 4L * hidden);
            var dhOut = hasSeqGrad != 0 ? sequence.Grad!.View.SubView(t * bh, bh) : dh;
            device.Kernels.LstmBackward(threads, threads, args, gatesT, MaskRow(mask, gates, t, batch),
                c.View.SubView(t * bh, bh), c.View.SubView((t + 1) * bh, bh), dhOut, dh, dc, dGatesT,
                (dropped.RecurrentMask ?? gates).View, dhDropped.View);
            if (t > 0 || needH0)
                CarryThroughU(t);
        }

        // dh_{t} = dGates_t U^T (+ what masked rows pass straight through); with recurrent dropout per gate
        // d(h_t * mask_k) = dGates_t,k U_k^T, which the next pointwise kernel (or dh_0's reduce) folds into dh.
        void CarryThroughU(int t)
        {
            var dGatesRows = new MatrixView(dGates.SubView(t * batch * 4L * hidden, batch * 4L * hidden), batch, 4 * hidden, 4 * hidden, 1);
            if (dropped.H is null)
                Gemm.Run(device, op, dGatesRows, uT, new MatrixView(dh, batch, hidden, hidden, 1), 1f, recurrentBeta);
            else
                for (int k = 0; k < 4; k++)
                    Gemm.Run(device, op, Gate(dGatesRows, k, hidden), Gate(u, k, hidden).T, Gate(dhDropped, k, hidden));
        }

        var dG = new MatrixView(dGates, steps * batch, 4 * hidden, 4 * hidden, 1);    // [T*B, 4H]
        var w = MatrixView.Of(kernel, inputs, 4 * hidden);
        if (kernel.RequiresGrad)
        {
            var (gw, beta) = tape.GradFor(kernel);                                       // [I, 4H] += x^T dG
            var dw = MatrixView.Of(gw, inputs, 4 * hidden);
            if (dropped.X is null)
                Gemm.Run(device, op, MatrixView.Of(x, steps * batch, inputs).T, dG, dw, 1f, beta);
            else
                for (int k = 0; k < 4; k++)                                              // [I, H] per gate += x_k^T dG_k
                    Gemm.Run(device, op, Gate(MatrixView.Of(dropped.X, steps * batch, 4 * inputs), k, inputs).T,
                        Gate(dG, k, hidden), Gate(dw, k, hidden), 1f, beta);
        }
        if (recurrentKernel.RequiresGrad)
        {
            var (gu, beta) = tape.GradFor(recurrentKernel);                              // [H, 4H] += h_{0..T-1}^T dG
            var du = MatrixView.Of(gu, hidden, 4 * hidden);
            if (dropped.H is null)
                Gemm.Run(device, op, new MatrixView(h.View, steps * batch, hidden, hidden, 1).T, dG, du, 1f, beta);
            else
                for (int k = 0; k < 4; k++)                                              // [H, H] per gate += h_k^T dG_k, h dropped
                    Gemm.Run(device, op, Gate(new MatrixView(dropped.H.View, steps * batch, 4 * hidden, 4 * hidden, 1), k, hidden).T,
                        Gate(dG, k, hidden), Gate(du, k, hidden), 1f, beta);
        }
        if (bias is not null && bias.RequiresGrad && !fusedBias)
        {
            var (gb, beta) = tape.GradFor(bias);                                         // [4H] += colsum(dG)
            Elementwise.ColumnSum(device, dGates, steps * batch, 4 * hidden, beta, gb.View);
        }
        if (x.RequiresGrad)
        {
            var (gx, beta) = tape.GradFor(x);                                            // [T*B, I] += dG W^T
            if (dropped.X is null)
                Gemm.Run(device, op, dG, w.T, MatrixView.Of(gx, steps * batch, inputs), 1f, beta);
            else
            {
                var dxDropped = new MatrixView(workspace.View.SubView(gatesLen + 2 * bh + dhDroppedLen, dxDroppedLen),
                    steps * batch, 4 * inputs, 4 * inputs, 1);                           // [T*B, 4I] per gate dG_k W_k^T
                for (int k = 0; k < 4; k++)
                    Gemm.Run(device, op, Gate(dG, k, hidden), Gate(w, k, hidden).T, Gate(dxDropped, k, inputs));
                GateDropout.Reduce(device, dxDropped.View, steps * batch, inputs, dropped.InputMask!, beta, gx.View);
            }
        }
        if (needH0)
        {
            if (dropped.H is not null) // dh_0 still lacks the dropped copies' grads from step 0's GEMMs
                GateDropout.Reduce(device, dhDropped.View, batch, hidden, dropped.RecurrentMask!, 1f, dh);
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

    /// <summary>Row t of the dropped states [T+1, B, 4H] as a [B, 4H] matrix.</summary>
    private static MatrixView DroppedRow(Tensor hDropped, int t, int batch)
    {
        int width = hDropped.Shape[2];
        return new MatrixView(hDropped.View.SubView((long)t * batch * width, (long)batch * width), batch, width, width, 1);
    }

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
