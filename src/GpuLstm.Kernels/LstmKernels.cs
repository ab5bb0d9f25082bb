using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// Fused pointwise parts of one LSTM time step. Gate order i, f, g, o (Keras and PyTorch):
/// a [B, 4H] row holds i at [0,H), f at [H,2H), g at [2H,3H), o at [3H,4H).
/// </summary>
public static class LstmKernels
{
    /// <summary>
    /// gates holds the summed pre-activations x W + h U for this step and is overwritten in place
    /// with the activations i, f, g, o that backward needs. c and h for step t+1 are written; a
    /// masked row copies c and h of step t instead. With recurrent dropout h_{t+1} is also written
    /// dropped per gate into hDroppedNext, which the next step's recurrent GEMMs read (h stays undropped:
    /// outputs and final state are, in Keras).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmPointwiseForward(Index1D index, int launched, LstmStepArgs args,
        ArrayView<float> gates,   // [B, 4H] in: pre-activations, out: activations
        ArrayView<float> bias,    // [4H], read only when HasBias
        ArrayView<float> mask,    // [B], read only when HasMask
        ArrayView<float> hPrev,   // [B, H]
        ArrayView<float> cPrev,   // [B, H]
        ArrayView<float> cNext,   // [B, H]
        ArrayView<float> hNext,   // [B, H]
        ArrayView<float> recurrentMask, // [B, 4H] per-gate recurrent dropout mask, read only when HasRecurrentDropout
        ArrayView<float> hDroppedNext)  // [B, 4H] h_{t+1} * recurrentMask, written only when HasRecurrentDropout
    {
        int hidden = args.Hidden;
        int total = args.Batch * hidden;
        for (int e = index; e < total; e += launched)
            ForwardElement(args, e, gates, bias, mask, hPrev, cPrev, cNext, hNext, recurrentMask, hDroppedNext);
    }

    /// <summary>One element (b, j) of the pointwise forward: gates hold the summed pre-activations.</summary>
    internal static void ForwardElement(LstmStepArgs args, int e, ArrayView<float> gates, ArrayView<float> bias, ArrayView<float> mask,
        ArrayView<float> hPrev, ArrayView<float> cPrev, ArrayView<float> cNext, ArrayView<float> hNext,
        ArrayView<float> recurrentMask, ArrayView<float> hDroppedNext)
    {
        int hidden = args.Hidden;
        int b = e / hidden;
        int j = e - b * hidden;
        int row = b * 4 * hidden;
        if (args.HasMask != 0 && mask[b] == 0f)
        {
            cNext[e] = cPrev[e];
            hNext[e] = hPrev[e];
            if (args.HasRecurrentDropout != 0)
                DropPerGate(hPrev[e], row + j, hidden, recurrentMask, hDroppedNext);
            return;
        }
        float bi = 0f, bf = 0f, bg = 0f, bo = 0f;
        if (args.HasBias != 0)
        {
            bi = bias[j];
            bf = bias[hidden + j];
            bg = bias[2 * hidden + j];
            bo = bias[3 * hidden + j];
        }
        float i = Act.Apply(args.RecurrentActivation, gates[row + j] + bi);
        float f = Act.Apply(args.RecurrentActivation, gates[row + hidden + j] + bf);
        float g = Act.Apply(args.CellActivation, gates[row + 2 * hidden + j] + bg);
        float o = Act.Apply(args.RecurrentActivation, gates[row + 3 * hidden + j] + bo);
        float c = f * cPrev[e] + i * g;
        gates[row + j] = i;
        gates[row + hidden + j] = f;
        gates[row + 2 * hidden + j] = g;
        gates[row + 3 * hidden + j] = o;
        cNext[e] = c;
        float h = o * Act.Apply(args.CellActivation, c);
        hNext[e] = h;
        if (args.HasRecurrentDropout != 0)
            DropPerGate(h, row + j, hidden, recurrentMask, hDroppedNext);
    }

    /// <summary>
    /// Backward of <see cref="LstmPointwiseForward"/>: from dh (sequence output grad + recurrent grad)
    /// and dc of step t+1, writes the gate pre-activation grads and replaces dc with dc of step t.
    /// With a mask, dhRecurrent is replaced by the part of dh that a masked row passes straight to
    /// step t (the recurrent GEMM then adds dGates U^T on top); unmasked rows get 0 there.
    /// With recurrent dropout the recurrent GEMMs write the grads of the dropped copies into
    /// dhDropped instead (per gate, dGates_k U_k^T); this kernel adds sum_k mask_k * dhDropped_k to dh,
    /// and dhRecurrent only carries what masked rows pass through (0 elsewhere).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmPointwiseBackward(Index1D index, int launched, LstmStepArgs args,
        ArrayView<float> gates,      // [B, 4H] saved activations i, f, g, o
        ArrayView<float> mask,       // [B], read only when HasMask
        ArrayView<float> cPrev,      // [B, H]
        ArrayView<float> cNext,      // [B, H]
        ArrayView<float> dhOutput,   // [B, H] grad of this step's output (ignored unless HasOutputGrad)
        ArrayView<float> dhRecurrent,// [B, H] grad flowing back from step t+1
        ArrayView<float> dc,         // [B, H] in: dc_{t+1}, out: dc_t
        ArrayView<float> dGates,     // [B, 4H] out: grads of the pre-activations
        ArrayView<float> recurrentMask, // [B, 4H] per-gate recurrent dropout mask, read only when HasRecurrentDropout
        ArrayView<float> dhDropped)  // [B, 4H] grad of h_{t+1} * recurrentMask per gate, read only when HasRecurrentDropout
    {
        int hidden = args.Hidden;
        int total = args.Batch * hidden;
        for (int e = index; e < total; e += launched)
        {
            int b = e / hidden;
            int j = e - b * hidden;
            int row = b * 4 * hidden;
            float dh = dhRecurrent[e];
            if (args.HasRecurrentDropout != 0)
            {
                int at = row + j;
                dh += dhDropped[at] * recurrentMask[at] + dhDropped[at + hidden] * recurrentMask[at + hidden]
                    + dhDropped[at + 2 * hidden] * recurrentMask[at + 2 * hidden] + dhDropped[at + 3 * hidden] * recurrentMask[at + 3 * hidden];
            }
            BackwardElement(args, e, dh, gates, mask, cPrev, cNext, dhOutput, dhRecurrent, dc, dGates);
        }
    }

    /// <summary>One element (b, j) of the pointwise backward, given its recurrent gradient dh.</summary>
    internal static void BackwardElement(LstmStepArgs args, int e, float dh, ArrayView<float> gates, ArrayView<float> mask,
        ArrayView<float> cPrev, ArrayView<float> cNext, ArrayView<float> dhOutput, ArrayView<float> dhRecurrent,
        ArrayView<float> dc, ArrayView<float> dGates)
    {
        int hidden = args.Hidden;
        int b = e / hidden;
        int j = e - b * hidden;
        int row = b * 4 * hidden;
        if (args.HasOutputGrad != 0)
            dh += dhOutput[e];
        if (args.HasMask != 0 && mask[b] == 0f)
        {
            // h_{t+1} = h_t and c_{t+1} = c_t: both gradients pass through unchanged.
            dGates[row + j] = 0f;
            dGates[row + hidden + j] = 0f;
            dGates[row + 2 * hidden + j] = 0f;
            dGates[row + 3 * hidden + j] = 0f;
            dhRecurrent[e] = dh;
            return;
        }
        float i = gates[row + j];
        float f = gates[row + hidden + j];
        float g = gates[row + 2 * hidden + j];
        float o = gates[row + 3 * hidden + j];
        float actC = Act.Apply(args.CellActivation, cNext[e]);
        float dcTotal = dc[e] + dh * o * Act.DerivFromOutput(args.CellActivation, actC);
        dGates[row + j] = dcTotal * g * Act.DerivFromOutput(args.RecurrentActivation, i);
        dGates[row + hidden + j] = dcTotal * cPrev[e] * Act.DerivFromOutput(args.RecurrentActivation, f);
        dGates[row + 2 * hidden + j] = dcTotal * i * Act.DerivFromOutput(args.CellActivation, g);
        dGates[row + 3 * hidden + j] = dh * actC * Act.DerivFromOutput(args.RecurrentActivation, o);
        dc[e] = dcTotal * f;
        if (args.HasMask != 0 || args.HasRecurrentDropout != 0)
            dhRecurrent[e] = 0f;
    }

    /// <summary>Writes h dropped by each gate's mask at [at + k*hidden], k = i, f, g, o.</summary>
    private static void DropPerGate(float h, int at, int hidden, ArrayView<float> mask, ArrayView<float> dropped)
    {
        dropped[at] = h * mask[at];
        dropped[at + hidden] = h * mask[at + hidden];
        dropped[at + 2 * hidden] = h * mask[at + 2 * hidden];
        dropped[at + 3 * hidden] = h * mask[at + 3 * hidden];
    }
}
