using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// Fused pointwise parts of one GRU time step, Keras 3 layout: a [B, 3H] row holds the update gate z
/// at [0,H), the reset gate r at [H,2H) and the candidate h at [2H,3H). Per step the input side
/// (x W, one GEMM for all steps) and the recurrent side (this step's h U GEMM) arrive in separate
/// buffers because r multiplies only the recurrent part of the candidate.
/// </summary>
public static class GruKernels
{
    /// <summary>
    /// z = ra(x_z + h_z + b_z), r = ra(x_r + h_r + b_r); reset_after: h~ = a(x_h + b_ih + r (h U_h + b_rh)),
    /// reset_before: h~ = a(x_h + b_h + (r h) U_h); h_t = z h_{t-1} + (1 - z) h~. gates is overwritten
    /// with z, r, h~ for backward; a masked row copies h_{t-1}. With recurrent dropout (Keras
    /// implementation 1) the GEMMs read h_{t-1} dropped per gate, reset_before's r multiplies h_{t-1} * mask_h,
    /// and h_t dropped by each gate's mask goes to hDroppedNext for the next step; the z blend uses h undropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GruPointwiseForward(Index1D index, int launched, RecurrentStepArgs args,
        ArrayView<float> gates,       // [B, 3H] in: x W, out: z, r, h~
        ArrayView<float> recurrent,   // [B, 3H] h U (reset_before: h U_zr | (r h) U_h); reset_after h part out: h U_h + b_rh
        ArrayView<float> bias,        // [2, 3H] reset_after (input row, recurrent row), else [3H]; read only when HasBias
        ArrayView<float> mask,        // [B], read only when HasMask
        ArrayView<float> hPrev,       // [B, H]
        ArrayView<float> resetHidden, // [B, H] out: r h_{t-1} (reset_before, gates stage)
        ArrayView<float> hNext,       // [B, H]
        ArrayView<float> recurrentMask, // [B, 3H] per-gate recurrent dropout mask, read only when HasRecurrentDropout
        ArrayView<float> hDroppedNext)  // [B, 3H] h_t * recurrentMask, written only when HasRecurrentDropout
    {
        int total = args.Batch * args.Hidden;
        for (int e = index; e < total; e += launched)
            ForwardElement(args, e, gates, recurrent, bias, mask, hPrev, resetHidden, hNext, recurrentMask, hDroppedNext);
    }

    /// <summary>One element (b, j) of <see cref="GruPointwiseForward"/>: recurrent holds this step's h U.</summary>
    internal static void ForwardElement(RecurrentStepArgs args, int e, ArrayView<float> gates, ArrayView<float> recurrent,
        ArrayView<float> bias, ArrayView<float> mask, ArrayView<float> hPrev, ArrayView<float> resetHidden, ArrayView<float> hNext,
        ArrayView<float> recurrentMask, ArrayView<float> hDroppedNext)
    {
        int hidden = args.Hidden;
        int b = e / hidden;
        int j = e - b * hidden;
        int z = b * 3 * hidden + j, r = z + hidden, c = z + 2 * hidden; // this element's z, r, h in a [B, 3H] row
        bool masked = args.HasMask != 0 && mask[b] == 0f;
        if ((args.Stages & GruStage.Gates) != 0)
        {
            if (!masked)
            {
                gates[z] = Act.Apply(args.RecurrentActivation, gates[z] + recurrent[z] + GateBias(args, bias, j));
                gates[r] = Act.Apply(args.RecurrentActivation, gates[r] + recurrent[r] + GateBias(args, bias, hidden + j));
            }
            // A masked row still writes its (zero) GEMM input: the weight-grad GEMM reads every row.
            if (args.ResetAfter == 0)
                resetHidden[e] = masked ? 0f : gates[r] * DroppedH(args, hPrev[e], recurrentMask, c);
        }
        if ((args.Stages & GruStage.Candidate) != 0)
        {
            if (masked)
            {
                hNext[e] = hPrev[e];
                if (args.HasRecurrentDropout != 0)
                    DropPerGate(hPrev[e], z, hidden, recurrentMask, hDroppedNext);
                return;
            }
            float pre = gates[c] + (args.HasBias != 0 ? bias[2 * hidden + j] : 0f);
            if (args.ResetAfter != 0)
            {
                float recurrentH = recurrent[c] + (args.HasBias != 0 ? bias[5 * hidden + j] : 0f);
                recurrent[c] = recurrentH; // backward's dr = dh~_pre * (h U_h + b_rh)
                pre += gates[r] * recurrentH;
            }
            else
            {
                pre += recurrent[c];
            }
            float candidate = Act.Apply(args.Activation, pre);
            float update = gates[z];
            gates[c] = candidate;
            float h = update * hPrev[e] + (1f - update) * candidate;
            hNext[e] = h;
            if (args.HasRecurrentDropout != 0)
                DropPerGate(h, z, hidden, recurrentMask, hDroppedNext);
        }
    }

    /// <summary>
    /// Backward of <see cref="GruPointwiseForward"/>. The candidate stage adds the output grad to dh,
    /// writes the grads of the z and h pre-activations and leaves dh's direct part z dh in
    /// dhRecurrent (a masked row: all of dh) for the recurrent GEMM to add to. The gates stage
    /// writes r's grad; reset_before also adds d(r h) r to dh. With recurrent dropout the GEMMs write
    /// the grads of h_{t-1} dropped per gate into dhDropped (reset_before's h block: the gates stage,
    /// d(r h) r); the candidate stage of step t-1 adds sum_k dhDropped_k * mask_k to its dh.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GruPointwiseBackward(Index1D index, int launched, RecurrentStepArgs args,
        ArrayView<float> gates,        // [B, 3H] saved z, r, h~
        ArrayView<float> recurrent,    // [B, 3H] saved; reset_after reads its h part h U_h + b_rh
        ArrayView<float> mask,         // [B], read only when HasMask
        ArrayView<float> hPrev,        // [B, H]
        ArrayView<float> dhOutput,     // [B, H] grad of this step's output (ignored unless HasOutputGrad)
        ArrayView<float> dhRecurrent,  // [B, H] in: grad from step t+1, out: dh_{t-1} without the GEMM's part
        ArrayView<float> dResetHidden, // [B, H] reset_before, gates stage: d(r h_{t-1}) from the GEMM
        ArrayView<float> dInput,       // [B, 3H] out: grads of the input-side pre-activations
        ArrayView<float> dRecurrent,   // [B, 3H] out (reset_after only): grads of the recurrent side h U + b_r
        ArrayView<float> recurrentMask, // [B, 3H] per-gate recurrent dropout mask, read only when HasRecurrentDropout
        ArrayView<float> dhDropped)    // [B, 3H] grads of h * recurrentMask per gate; candidate stage reads step t+1's, reset_before's gates stage writes its h block
    {
        int hidden = args.Hidden;
        int total = args.Batch * hidden;
        for (int e = index; e < total; e += launched)
        {
            float dh = 0f; // the candidate stage's grad of h_t from step t+1: the direct part, and the dropped copies' grads
            if ((args.Stages & GruStage.Candidate) != 0)
            {
                int z = e / hidden * 3 * hidden + e % hidden;
                dh = dhRecurrent[e];
                if (args.HasRecurrentDropout != 0)
                    dh += dhDropped[z] * recurrentMask[z] + dhDropped[z + hidden] * recurrentMask[z + hidden]
                        + dhDropped[z + 2 * hidden] * recurrentMask[z + 2 * hidden];
            }
            BackwardElement(args, e, dh, gates, recurrent, mask, hPrev, dhOutput, dhRecurrent, dResetHidden, dInput, dRecurrent,
                recurrentMask, dhDropped);
        }
    }

    /// <summary>One element (b, j) of <see cref="GruPointwiseBackward"/>, given the candidate stage's recurrent grad dh.</summary>
    internal static void BackwardElement(RecurrentStepArgs args, int e, float dh, ArrayView<float> gates, ArrayView<float> recurrent,
        ArrayView<float> mask, ArrayView<float> hPrev, ArrayView<float> dhOutput, ArrayView<float> dhRecurrent, ArrayView<float> dResetHidden,
        ArrayView<float> dInput, ArrayView<float> dRecurrent, ArrayView<float> recurrentMask, ArrayView<float> dhDropped)
    {
        int hidden = args.Hidden;
        bool resetAfter = args.ResetAfter != 0;
        int b = e / hidden;
        int j = e - b * hidden;
        int z = b * 3 * hidden + j, r = z + hidden, c = z + 2 * hidden;
        bool masked = args.HasMask != 0 && mask[b] == 0f;
        if ((args.Stages & GruStage.Candidate) != 0)
        {
            if (args.HasOutputGrad != 0)
                dh += dhOutput[e];
            float dz = 0f, dc = 0f;
            if (masked)
            {
                dhRecurrent[e] = dh; // h_t = h_{t-1}: the grad passes straight through
            }
            else
            {
                float update = gates[z], candidate = gates[c];
                dc = dh * (1f - update) * Act.DerivFromOutput(args.Activation, candidate);
                dz = dh * (hPrev[e] - candidate) * Act.DerivFromOutput(args.RecurrentActivation, update);
                dhRecurrent[e] = dh * update;
            }
            dInput[z] = dz;
            dInput[c] = dc;
            if (resetAfter)
            {
                dRecurrent[z] = dz;
                dRecurrent[c] = masked ? 0f : dc * gates[r];
            }
        }
        if ((args.Stages & GruStage.Gates) != 0)
        {
            float dr = 0f, dResetInput = 0f; // dResetInput: d(the h that r multiplies), reset_before
            if (!masked)
            {
                float reset = gates[r];
                float dReset;
                if (resetAfter)
                {
                    dReset = dInput[c] * recurrent[c];
                }
                else
                {
                    float dResetH = dResetHidden[e];
                    dReset = dResetH * DroppedH(args, hPrev[e], recurrentMask, c);
                    dResetInput = dResetH * reset;
                }
                dr = dReset * Act.DerivFromOutput(args.RecurrentActivation, reset);
            }
            dInput[r] = dr;
            if (resetAfter)
                dRecurrent[r] = dr;
            else if (args.HasRecurrentDropout != 0)
                dhDropped[c] = dResetInput;
            else
                dhRecurrent[e] += dResetInput;
        }
    }

    /// <summary>The h_{t-1} that reset_before's r multiplies: dropped by the h gate's mask with recurrent dropout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DroppedH(RecurrentStepArgs args, float h, ArrayView<float> recurrentMask, int at) =>
        args.HasRecurrentDropout != 0 ? h * recurrentMask[at] : h;

    /// <summary>Writes h dropped by each gate's mask at [at + k*hidden], k = z, r, h.</summary>
    private static void DropPerGate(float h, int at, int hidden, ArrayView<float> mask, ArrayView<float> dropped)
    {
        dropped[at] = h * mask[at];
        dropped[at + hidden] = h * mask[at + hidden];
        dropped[at + 2 * hidden] = h * mask[at + 2 * hidden];
    }

    /// <summary>Bias of gate k (z or r): reset_after adds the input and recurrent rows of the [2, 3H] bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float GateBias(RecurrentStepArgs args, ArrayView<float> bias, int k)
    {
        if (args.HasBias == 0)
            return 0f;
        return args.ResetAfter != 0 ? bias[k] + bias[3 * args.Hidden + k] : bias[k];
    }
}
