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
}
