using GpuLstm.Autograd;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using static GpuLstm.Ops.RecurrentSequence;

namespace GpuLstm.Ops;

/// <summary>
/// A whole Keras SimpleRNN sequence as one tape entry, h_t = a(x W + h_{t-1} U + b). Forward: one
/// input GEMM for all T steps, then per step one recurrent GEMM accumulating into that step's
/// pre-activations and one pointwise kernel. Backward: reverse time, per step the pointwise
/// backward and one GEMM carrying dh through U; weight, bias and input grads after the loop.
/// Time-major; h is [T+1, B, H] with row 0 the initial state. Keras's recurrent_dropout (one mask
/// on h_{t-1} for every step) makes the GEMM read a dropped copy that the step kernel writes.
/// </summary>
public static class SimpleRnnSequenceOp
{
    /// <param name="x">[T, B, I] time-major input</param>
    /// <param name="kernel">[I, H]</param>
    /// <param name="recurrentKernel">[H, H]</param>
    /// <param name="bias">[H], or null for none</param>
    /// <param name="h0">[B, H] initial state, or null for zeros</param>
    /// <param name="mask">[T, B] time-major, 0 marks padded steps (state carried over), or null</param>
    /// <param name="recurrentDropoutMask">[B, H] mask (already scaled) on h_{t-1} for every step, or null</param>
    public static RecurrentSequenceOutputs Forward(Tape tape, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? h0 = null, int activation = ActivationCode.Tanh, string name = "simple_rnn", Tensor? mask = null,
        Tensor? recurrentDropoutMask = null)
    {
        var s = Check(name, x, kernel, recurrentKernel, 1, h0, mask, recurrentDropoutMask);
        var (steps, batch, _, hidden) = s;
        if (bias is not null)
            ShapeUtil.Expect(name, "bias", bias.Shape, [hidden]);
        var args = new RecurrentStepArgs
        {
            Batch = batch, Hidden = hidden, Activation = activation,
            HasBias = bias is null ? 0 : 1, HasMask = mask is null ? 0 : 1,
            HasRecurrentDropout = recurrentDropoutMask is null ? 0 : 1,
        };

        var device = tape.Device;
        long bh = s.StateLength, preLen = steps * bh, stateLen = (steps + 1) * bh;
        // One allocation: pre-activations [T, B, H] | h [T+1, B, H].
        var workspace = tape.NewTensor([ShapeUtil.WorkspaceLength(preLen + stateLen, name,
            "forward workspace (pre-activations [T, B, H], h [T+1, B, H])", steps, batch, hidden)], name + ".workspace");
        var pre = tape.Own(workspace.Slice(0, [steps, batch, hidden], name + ".preactivation"));
        var h = tape.Own(workspace.Slice(preLen, [steps + 1, batch, hidden], name + ".h"));

        InitialState(device, h0, h, bh);
        var hDropped = DroppedStates(tape, h, recurrentDropoutMask, name);        // [T+1, B, H] or null
        InputProjection(tape, name, x, kernel, pre, null);                        // pre[T*B, H] = x W
        var u = MatrixView.Of(recurrentKernel, hidden, hidden);
        int threads = device.Threads(bh);
        for (int t = 0; t < steps; t++)
        {
            var preT = Step(pre.View, t, batch, hidden);                          // [B, H]
            var hPrev = Step(h.View, t, batch, hidden);                           // [B, H]
            MatrixView? hdPrev = hDropped is null ? null : Step(hDropped.View, t, batch, hidden);
            RecurrentGemm(device, name, hPrev, hdPrev, u, preT, 0, 1, beta: 1f);  // += h_{t-1} U
            device.Kernels.SimpleRnnForward(threads, threads, args, preT.View, (bias ?? pre).View, MaskRow(mask, pre, t, batch),
                hPrev.View, h.View.SubView((t + 1) * bh, bh), (recurrentDropoutMask ?? pre).View,
                hDropped is null ? pre.View : Step(hDropped.View, t + 1, batch, hidden).View);
        }

        var outputs = Outputs(tape, h, s, name, NeedsGrad(x, kernel, recurrentKernel, bias, h0));
        var dropout = new CellDropout(recurrentDropoutMask, hDropped, null, null);
        tape.Record(name, () => Backward(tape, x, kernel, recurrentKernel, bias, h0, args, mask, name, h, outputs, dropout));
        return outputs;
    }

    private static void Backward(Tape tape, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? h0, RecurrentStepArgs args, Tensor? mask, string name, Tensor h, RecurrentSequenceOutputs outputs, CellDropout dropout)
    {
        var (sequence, finalH) = outputs;
        if (!sequence.GradValid && !finalH.GradValid)
            return;
        var device = tape.Device;
        int steps = x.Shape[0], batch = x.Shape[1], hidden = recurrentKernel.Shape[0];
        long bh = (long)batch * hidden, preLen = steps * bh;
        string op = name + ".backward";

        // One allocation: dPre [T, B, H] | dh [B, H] | with recurrent dropout dhDropped [B, H].
        long droppedLen = dropout.H is null ? 0 : bh;
        var workspace = tape.NewTensor([ShapeUtil.WorkspaceLength(preLen + bh + droppedLen, name,
            "backward workspace (pre-activation gradients [T, B, H])", steps, batch, hidden)], name + ".backward_workspace");
        var dPre = workspace.View.SubView(0, preLen);
        var dh = workspace.View.SubView(preLen, bh);
        var dhDroppedView = droppedLen == 0 ? dh : workspace.View.SubView(preLen + bh, droppedLen); // never read without dropout
        MatrixView? dhDropped = dropout.H is null ? null : new MatrixView(dhDroppedView, batch, hidden, hidden, 1); // [B, H]
        StartGrad(device, finalH, dh);
        if (dhDropped is not null) // the last step has no later step whose GEMM would write it
            Elementwise.Fill(device, dhDroppedView, 0f);

        var u = MatrixView.Of(recurrentKernel, hidden, hidden);
        bool needH0 = h0?.RequiresGrad ?? false;
        args.HasOutputGrad = sequence.GradValid ? 1 : 0;
        int threads = device.Threads(bh);
        for (int t = steps - 1; t >= 0; t--)
        {
            var dPreT = Step(dPre, t, batch, hidden);                              // [B, H]
            var dhOut = args.HasOutputGrad != 0 ? sequence.Grad!.View.SubView(t * bh, bh) : dh;
            device.Kernels.SimpleRnnBackward(threads, threads, args, h.View.SubView((t + 1) * bh, bh), MaskRow(mask, h, t, batch),
                dhOut, dh, dPreT.View, (dropout.RecurrentMask ?? h).View, dhDropped?.View ?? h.View);
            if (t > 0 || needH0)                                                   // dh_{t-1} += dPre U^T
                RecurrentGemmBackward(device, op, dPreT, u, new MatrixView(dh, batch, hidden, hidden, 1), dhDropped, 0, 1);
        }

        int rows = steps * batch;
        var dPreAll = new MatrixView(dPre, rows, hidden, hidden, 1);              // [T*B, H]
        InputGrads(tape, op, x, kernel, dPreAll);
        var states = (dropout.H ?? h).View;                                        // h_0 .. h_{T-1}, dropped with recurrent dropout
        RecurrentKernelGrad(tape, op, recurrentKernel, (new MatrixView(states, rows, hidden, hidden, 1), dPreAll));
        BiasGrad(tape, bias, rows, hidden, dPre);
        InitialStateGrad(tape, h0, dh, dhDroppedView, dropout.RecurrentMask);
    }
}
