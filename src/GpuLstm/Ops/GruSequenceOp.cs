using GpuLstm.Autograd;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using static GpuLstm.Ops.RecurrentSequence;

namespace GpuLstm.Ops;

/// <summary>
/// A whole Keras 3 GRU sequence as one tape entry (haste style), gates z, r, h. Forward: one input
/// GEMM for all T steps, then per step the recurrent GEMM into its own [B, 3H] buffer (r multiplies
/// only the recurrent part of the candidate) and one fused pointwise kernel. reset_before needs
/// (r h) U_h inside the step: its GEMM is split into U_zr before the gates and U_h after them,
/// with the pointwise kernel launched once per half. Backward: reverse time, the fused pointwise
/// backward and the recurrent GEMM(s) per step; weight, bias and input grads as large GEMMs and
/// column sums after the loop. Time-major; h is [T+1, B, H] with row 0 the initial state.
/// Keras's recurrent_dropout (implementation 1, one mask per gate z, r, h; input masks too when
/// dropout is set) splits the GEMMs it touches into one per gate over per-gate dropped copies.
/// </summary>
public static class GruSequenceOp
{
    /// <param name="x">[T, B, I] time-major input</param>
    /// <param name="kernel">[I, 3H] input weights, gates z, r, h</param>
    /// <param name="recurrentKernel">[H, 3H]</param>
    /// <param name="bias">[2, 3H] with resetAfter (input bias row 0, recurrent bias row 1), else [3H]; or null</param>
    /// <param name="h0">[B, H] initial state, or null for zeros</param>
    /// <param name="mask">[T, B] time-major, 0 marks padded steps (state carried over), or null</param>
    /// <param name="recurrentDropoutMask">[B, 3H] per-gate mask (already scaled) on h_{t-1} for every step, or null</param>
    /// <param name="inputDropoutMask">[B, 3I] per-gate mask (already scaled) on x_t for every step, or null</param>
    public static RecurrentSequenceOutputs Forward(Tape tape, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? h0 = null, bool resetAfter = true, int activation = ActivationCode.Tanh,
        int recurrentActivation = ActivationCode.Sigmoid, string name = "gru", Tensor? mask = null,
        Tensor? recurrentDropoutMask = null, Tensor? inputDropoutMask = null)
    {
        var s = Check(name, x, kernel, recurrentKernel, 3, h0, mask, recurrentDropoutMask, inputDropoutMask);
        var (steps, batch, _, hidden) = s;
        int h3 = 3 * hidden;
        if (bias is not null)
            ShapeUtil.Expect(name, resetAfter ? "bias (reset_after: input and recurrent rows)" : "bias", bias.Shape,
                resetAfter ? [2, h3] : [h3]);
        var args = new RecurrentStepArgs
        {
            Batch = batch, Hidden = hidden, Activation = activation, RecurrentActivation = recurrentActivation,
            HasBias = bias is null ? 0 : 1, HasMask = mask is null ? 0 : 1, ResetAfter = resetAfter ? 1 : 0,
            HasRecurrentDropout = recurrentDropoutMask is null ? 0 : 1,
        };

        var device = tape.Device;
        long gatesLen = (long)steps * batch * h3, stateLen = (steps + 1) * s.StateLength, bh = s.StateLength;
        long resetLen = resetAfter ? 0 : steps * bh;
        // One allocation: gates [T, B, 3H] | recurrent [T, B, 3H] | h [T+1, B, H] | r*h [T, B, H] (reset_before only).
        var workspace = tape.NewTensor([ShapeUtil.WorkspaceLength(2 * gatesLen + stateLen + resetLen, name,
            "forward workspace (gates and recurrent parts [T, B, 3H], h [T+1, B, H])", steps, batch, hidden)], name + ".workspace");
        var gates = tape.Own(workspace.Slice(0, [steps, batch, h3], name + ".gates"));
        var recurrent = tape.Own(workspace.Slice(gatesLen, [steps, batch, h3], name + ".recurrent"));
        var h = tape.Own(workspace.Slice(2 * gatesLen, [steps + 1, batch, hidden], name + ".h"));
        var resetHidden = resetAfter ? h : tape.Own(workspace.Slice(2 * gatesLen + stateLen, [steps, batch, hidden], name + ".reset_hidden"));

        InitialState(device, h0, h, bh);
        var hDropped = DroppedStates(tape, h, recurrentDropoutMask, name);        // [T+1, B, 3H] or null
        var xDropped = InputProjection(tape, name, x, kernel, gates, inputDropoutMask); // gates[T*B, 3H] = x W
        var u = MatrixView.Of(recurrentKernel, hidden, h3);
        int threads = device.Threads(bh);
        // GPULSTM_RECURRENCE=stepwise|persistent: one grid kernel per step or per sequence does h U and the gate math.
        var plan = device.GruRecurrencePath(resetAfter, batch, hidden, recurrentDropoutMask is not null);
        if (plan is not null)
            GridRecurrence.GruForward(device, plan, args with { Stages = GruStage.Both }, steps, recurrentKernel.View, gates.View,
                recurrent.View, (bias ?? gates).View, (mask ?? gates).View, h.View, (recurrentDropoutMask ?? gates).View, (hDropped ?? gates).View);
        for (int t = 0; t < steps && plan is null; t++)
        {
            var gatesT = gates.View.SubView(t * batch * (long)h3, batch * (long)h3);
            var recT = Step(recurrent.View, t, batch, h3);                        // [B, 3H]
            var hPrev = Step(h.View, t, batch, hidden);                           // [B, H]
            var hNext = h.View.SubView((t + 1) * bh, bh);
            var resetT = resetHidden.View.SubView(resetAfter ? 0 : t * bh, bh);   // [B, H] r h_{t-1} (unused with reset_after)
            var maskT = MaskRow(mask, gates, t, batch);
            MatrixView? hdPrev = hDropped is null ? null : Step(hDropped.View, t, batch, h3); // [B, 3H] h_{t-1} per gate
            var hdNext = hDropped is null ? gates.View : Step(hDropped.View, t + 1, batch, h3).View;
            void Pointwise(int stages)
            {
                args.Stages = stages;
                device.Kernels.GruForward(threads, threads, args, gatesT, recT.View, (bias ?? gates).View, maskT, hPrev.View, resetT, hNext,
                    (recurrentDropoutMask ?? gates).View, hdNext);
            }
            if (resetAfter)
            {
                RecurrentGemm(device, name, hPrev, hdPrev, u, recT, 0, 3);        // h U, all three blocks
                Pointwise(GruStage.Both);
                continue;
            }
            RecurrentGemm(device, name, hPrev, hdPrev, u, recT, 0, 2);            // h U_zr
            Pointwise(GruStage.Gates);
            Gemm.Run(device, name, new MatrixView(resetT, batch, hidden, hidden, 1), Columns(u, 2 * hidden, hidden),
                Columns(recT, 2 * hidden, hidden));                               // (r h) U_h
            Pointwise(GruStage.Candidate);
        }

        var outputs = Outputs(tape, h, s, name, NeedsGrad(x, kernel, recurrentKernel, bias, h0));
        var dropout = new CellDropout(recurrentDropoutMask, hDropped, inputDropoutMask, xDropped);
        tape.Record(name, () => Backward(tape, x, kernel, recurrentKernel, bias, h0, args, mask, name, gates, recurrent, h, resetHidden,
            outputs, dropout));
        return outputs;
    }

    private static void Backward(Tape tape, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? h0, RecurrentStepArgs args, Tensor? mask, string name,
        Tensor gates, Tensor recurrent, Tensor h, Tensor resetHidden, RecurrentSequenceOutputs outputs, CellDropout dropout)
    {
        var (sequence, finalH) = outputs;
        if (!sequence.GradValid && !finalH.GradValid)
            return;
        var device = tape.Device;
        int steps = x.Shape[0], batch = x.Shape[1], hidden = recurrentKernel.Shape[0], h3 = 3 * hidden;
        bool resetAfter = args.ResetAfter != 0;
        long gatesLen = (long)steps * batch * h3, bh = (long)batch * hidden;
        string op = name + ".backward";

        // One allocation: dInput [T, B, 3H] | dRecurrent [T, B, 3H] (reset_after; reset_before's equals dInput)
        // | dh [B, H] | d(r h) [B, H] (reset_before) | with recurrent dropout dhDropped [B, 3H].
        long recLen = resetAfter ? gatesLen : 0, droppedLen = dropout.H is null ? 0 : 3 * bh;
        var workspace = tape.NewTensor([ShapeUtil.WorkspaceLength(gatesLen + recLen + 2 * bh + droppedLen, name,
            "backward workspace (gate gradients [T, B, 3H])", steps, batch, hidden)], name + ".backward_workspace");
        var dInput = workspace.View.SubView(0, gatesLen);
        var dRecurrent = resetAfter ? workspace.View.SubView(gatesLen, gatesLen) : dInput;
        var dh = workspace.View.SubView(gatesLen + recLen, bh);
        var dResetHidden = workspace.View.SubView(gatesLen + recLen + bh, bh);
        var dhMatrix = new MatrixView(dh, batch, hidden, hidden, 1);
        var dhDroppedView = droppedLen == 0 ? dh : workspace.View.SubView(gatesLen + recLen + 2 * bh, droppedLen); // never read without dropout
        MatrixView? dhDropped = dropout.H is null ? null : new MatrixView(dhDroppedView, batch, h3, h3, 1); // [B, 3H]
        StartGrad(device, finalH, dh);
        var plan = device.GruRecurrencePath(resetAfter, batch, hidden, dropout.RecurrentMask is not null); // the forward's path
        if (dhDropped is not null && plan is null) // the last step has no later step whose GEMMs would write it (the grid kernels read none)
            Elementwise.Fill(device, dhDroppedView, 0f);

        var u = MatrixView.Of(recurrentKernel, hidden, h3);
        bool needH0 = h0?.RequiresGrad ?? false;
        args.HasOutputGrad = sequence.GradValid ? 1 : 0;
        int threads = device.Threads(bh);
        if (plan is not null)
        {
            GridRecurrence.GruBackward(device, plan, args with { Stages = GruStage.Both }, steps, recurrentKernel.View, dInput, dRecurrent,
                gates.View, recurrent.View, (mask ?? gates).View, h.View, args.HasOutputGrad != 0 ? sequence.Grad!.View : dh, dh,
                (dropout.RecurrentMask ?? gates).View);
            if (needH0) // dh_0 += dRec_0 U^T (dropout: per gate into dhDropped, folded below)
                RecurrentGemmBackward(device, op, Step(dRecurrent, 0, batch, h3), u, dhMatrix, dhDropped, 0, 3);
        }
        for (int t = steps - 1; t >= 0 && plan is null; t--)
        {
            var gatesT = gates.View.SubView(t * batch * (long)h3, batch * (long)h3);
            var recT = recurrent.View.SubView(t * batch * (long)h3, batch * (long)h3);
            var dInputT = Step(dInput, t, batch, h3);                              // [B, 3H]
            var dRecT = Step(dRecurrent, t, batch, h3);                            // [B, 3H]
            var hPrev = h.View.SubView(t * bh, bh);
            var dhOut = args.HasOutputGrad != 0 ? sequence.Grad!.View.SubView(t * bh, bh) : dh;
            var maskT = MaskRow(mask, gates, t, batch);
            void Pointwise(int stages)
            {
                args.Stages = stages;
                device.Kernels.GruBackward(threads, threads, args, gatesT, recT, maskT, hPrev, dhOut, dh, dResetHidden, dInputT.View, dRecT.View,
                    (dropout.RecurrentMask ?? gates).View, dhDropped?.View ?? gates.View);
            }
            if (resetAfter)
            {
                Pointwise(GruStage.Both);
                if (t > 0 || needH0)                                               // dh_{t-1} += dRec U^T (dropout: per gate into dhDropped)
                    RecurrentGemmBackward(device, op, dRecT, u, dhMatrix, dhDropped, 0, 3);
                continue;
            }
            Pointwise(GruStage.Candidate);
            Gemm.Run(device, op, Columns(dInputT, 2 * hidden, hidden), Columns(u, 2 * hidden, hidden).T,
                new MatrixView(dResetHidden, batch, hidden, hidden, 1));           // d(r h) = dPre_h U_h^T
            Pointwise(GruStage.Gates);
            if (t > 0 || needH0)                                                   // dh_{t-1} += dPre_zr U_zr^T (dropout: per gate)
                RecurrentGemmBackward(device, op, dInputT, u, dhMatrix, dhDropped, 0, 2);
        }

        int rows = steps * batch;
        var dIn = new MatrixView(dInput, rows, h3, h3, 1);                         // [T*B, 3H]
        var dRec = new MatrixView(dRecurrent, rows, h3, h3, 1);                    // [T*B, 3H]
        InputGrads(tape, op, x, kernel, dIn, dropout);
        // U's column blocks and the states they multiplied: h_0 .. h_{T-1} (per gate dropped with
        // recurrent dropout), and for reset_before's U_h the saved r h.
        var blocks = new List<(MatrixView States, MatrixView Grads)>();
        int hGates = resetAfter ? 3 : 2;
        if (dropout.H is null)
            blocks.Add((new MatrixView(h.View, rows, hidden, hidden, 1), Columns(dRec, 0, hGates * hidden)));
        else
            for (int k = 0; k < hGates; k++)
                blocks.Add((GateDropout.Gate(new MatrixView(dropout.H.View, rows, h3, h3, 1), k, hidden), Columns(dRec, k * hidden, hidden)));
        if (!resetAfter)
            blocks.Add((MatrixView.Of(resetHidden, rows, hidden), Columns(dRec, 2 * hidden, hidden)));
        RecurrentKernelGrad(tape, op, recurrentKernel, [.. blocks]);
        if (resetAfter)
            BiasGrad(tape, bias, rows, h3, dInput, dRecurrent);
        else
            BiasGrad(tape, bias, rows, h3, dInput);
        InitialStateGrad(tape, h0, dh, dhDroppedView, dropout.RecurrentMask);
    }
}
