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
    /// with the activations i, f, g, o that backward needs. c and h for step t+1 are written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmPointwiseForward(Index1D index, int launched, int batch, int hidden,
        int cellActivation, int recurrentActivation, int hasBias,
        ArrayView<float> gates,   // [B, 4H] in: pre-activations, out: activations
        ArrayView<float> bias,    // [4H], read only when hasBias
        ArrayView<float> cPrev,   // [B, H]
        ArrayView<float> cNext,   // [B, H]
        ArrayView<float> hNext)   // [B, H]
    {
        int total = batch * hidden;
        for (int e = index; e < total; e += launched)
        {
            int b = e / hidden;
            int j = e - b * hidden;
            int row = b * 4 * hidden;
            float bi = 0f, bf = 0f, bg = 0f, bo = 0f;
            if (hasBias != 0)
            {
                bi = bias[j];
                bf = bias[hidden + j];
                bg = bias[2 * hidden + j];
                bo = bias[3 * hidden + j];
            }
            float i = Act.Apply(recurrentActivation, gates[row + j] + bi);
            float f = Act.Apply(recurrentActivation, gates[row + hidden + j] + bf);
            float g = Act.Apply(cellActivation, gates[row + 2 * hidden + j] + bg);
            float o = Act.Apply(recurrentActivation, gates[row + 3 * hidden + j] + bo);
            float c = f * cPrev[e] + i * g;
            gates[row + j] = i;
            gates[row + hidden + j] = f;
            gates[row + 2 * hidden + j] = g;
            gates[row + 3 * hidden + j] = o;
            cNext[e] = c;
            hNext[e] = o * Act.Apply(cellActivation, c);
        }
    }

    /// <summary>
    /// Backward of <see cref="LstmPointwiseForward"/>: from dh (sequence output grad + recurrent grad)
    /// and dc of step t+1, writes the gate pre-activation grads and replaces dc with dc of step t.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmPointwiseBackward(Index1D index, int launched, int batch, int hidden,
        int cellActivation, int recurrentActivation, int hasOutputGrad,
        ArrayView<float> gates,      // [B, 4H] saved activations i, f, g, o
        ArrayView<float> cPrev,      // [B, H]
        ArrayView<float> cNext,      // [B, H]
        ArrayView<float> dhOutput,   // [B, H] grad of this step's output (ignored unless hasOutputGrad)
        ArrayView<float> dhRecurrent,// [B, H] grad flowing back from step t+1
        ArrayView<float> dc,         // [B, H] in: dc_{t+1}, out: dc_t
        ArrayView<float> dGates)     // [B, 4H] out: grads of the pre-activations
    {
        int total = batch * hidden;
        for (int e = index; e < total; e += launched)
        {
            int b = e / hidden;
            int j = e - b * hidden;
            int row = b * 4 * hidden;
            float i = gates[row + j];
            float f = gates[row + hidden + j];
            float g = gates[row + 2 * hidden + j];
            float o = gates[row + 3 * hidden + j];
            float dh = dhRecurrent[e];
            if (hasOutputGrad != 0)
                dh += dhOutput[e];
            float actC = Act.Apply(cellActivation, cNext[e]);
            float dcTotal = dc[e] + dh * o * Act.DerivFromOutput(cellActivation, actC);
            dGates[row + j] = dcTotal * g * Act.DerivFromOutput(recurrentActivation, i);
            dGates[row + hidden + j] = dcTotal * cPrev[e] * Act.DerivFromOutput(recurrentActivation, f);
            dGates[row + 2 * hidden + j] = dcTotal * i * Act.DerivFromOutput(cellActivation, g);
            dGates[row + 3 * hidden + j] = dh * actC * Act.DerivFromOutput(recurrentActivation, o);
            dc[e] = dcTotal * f;
        }
    }
}
