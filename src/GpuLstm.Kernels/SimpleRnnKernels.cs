using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>Fused pointwise parts of one SimpleRNN time step: h_t = a(x W + h_{t-1} U + b).</summary>
public static class SimpleRnnKernels
{
    /// <summary>
    /// h_t from the summed pre-activation x W + h_{t-1} U; a masked row copies h_{t-1}. With recurrent
    /// dropout h_t * mask also goes to hDroppedNext, which the next step's GEMM reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SimpleRnnPointwiseForward(Index1D index, int launched, RecurrentStepArgs args,
        ArrayView<float> preactivation, // [B, H] x W + h_{t-1} U
        ArrayView<float> bias,          // [H], read only when HasBias
        ArrayView<float> mask,          // [B], read only when HasMask
        ArrayView<float> hPrev,         // [B, H]
        ArrayView<float> hNext,         // [B, H]
        ArrayView<float> recurrentMask, // [B, H] recurrent dropout mask, read only when HasRecurrentDropout
        ArrayView<float> hDroppedNext)  // [B, H] h_t * recurrentMask, written only when HasRecurrentDropout
    {
        int hidden = args.Hidden;
        int total = args.Batch * hidden;
        for (int e = index; e < total; e += launched)
        {
            int b = e / hidden;
            int j = e - b * hidden;
            float h = args.HasMask != 0 && mask[b] == 0f
                ? hPrev[e]
                : Act.Apply(args.Activation, preactivation[e] + (args.HasBias != 0 ? bias[j] : 0f));
            hNext[e] = h;
            if (args.HasRecurrentDropout != 0)
                hDroppedNext[e] = h * recurrentMask[e];
        }
    }

    /// <summary>
    /// Backward of <see cref="SimpleRnnPointwiseForward"/> from the saved output h_t: writes the
    /// pre-activation grad and leaves in dhRecurrent what a masked row passes straight to step t-1
    /// (0 for the others; the recurrent GEMM adds dPre U^T on top). With recurrent dropout the GEMM
    /// writes the grad of the dropped copy into dhDropped instead, and this kernel adds dhDropped * mask to dh.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SimpleRnnPointwiseBackward(Index1D index, int launched, RecurrentStepArgs args,
        ArrayView<float> hNext,       // [B, H] this step's output h_t
        ArrayView<float> mask,        // [B], read only when HasMask
        ArrayView<float> dhOutput,    // [B, H] grad of this step's output (ignored unless HasOutputGrad)
        ArrayView<float> dhRecurrent, // [B, H] in: grad from step t+1, out: the pass-through part
        ArrayView<float> dPre,        // [B, H] out: grad of the pre-activation
        ArrayView<float> recurrentMask, // [B, H] recurrent dropout mask, read only when HasRecurrentDropout
        ArrayView<float> dhDropped)   // [B, H] grad of h_t * recurrentMask from step t+1's GEMM, read only when HasRecurrentDropout
    {
        int hidden = args.Hidden;
        int total = args.Batch * hidden;
        for (int e = index; e < total; e += launched)
        {
            int b = e / hidden;
            float dh = dhRecurrent[e];
            if (args.HasRecurrentDropout != 0)
                dh += dhDropped[e] * recurrentMask[e];
            if (args.HasOutputGrad != 0)
                dh += dhOutput[e];
            bool masked = args.HasMask != 0 && mask[b] == 0f;
            dPre[e] = masked ? 0f : dh * Act.DerivFromOutput(args.Activation, hNext[e]);
            dhRecurrent[e] = masked ? dh : 0f;
        }
    }
}
