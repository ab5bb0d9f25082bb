namespace GpuLstm.Kernels;

/// <summary>The scalar settings of one LSTM time step, in one struct (ILGPU kernels take at most 14 arguments).</summary>
public struct LstmStepArgs
{
    public int Batch;
    public int Hidden;
    public int CellActivation;
    public int RecurrentActivation;
    public int HasBias;
    public int HasOutputGrad;

    /// <summary>When set, mask[b] = 0 marks a padded step: row b keeps its state (Keras masking).</summary>
    public int HasMask;

    /// <summary>
    /// When set, the recurrent GEMMs read h_t dropped per gate, h_t * recurrentMask[:, k] (Keras
    /// recurrent_dropout, one [B, H] mask per gate): forward writes that copy beside h, backward folds
    /// the per-gate grads of the dropped copies back into dh.
    /// </summary>
    public int HasRecurrentDropout;
}
