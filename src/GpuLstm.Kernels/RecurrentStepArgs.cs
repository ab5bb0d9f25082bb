namespace GpuLstm.Kernels;

/// <summary>
/// The scalar settings of one GRU or SimpleRNN time step, in one struct (ILGPU kernels take at most
/// 14 arguments). LSTM has its own <see cref="LstmStepArgs"/>.
/// </summary>
public struct RecurrentStepArgs
{
    public int Batch;
    public int Hidden;

    /// <summary>Keras activation: of the GRU candidate h~, of the SimpleRNN output.</summary>
    public int Activation;

    /// <summary>Keras recurrent_activation: of the GRU gates z and r (SimpleRNN has none).</summary>
    public int RecurrentActivation;

    public int HasBias;
    public int HasOutputGrad;

    /// <summary>When set, mask[b] = 0 marks a padded step: row b keeps its state (Keras masking).</summary>
    public int HasMask;

    /// <summary>GRU reset_after: r multiplies h U_h + b_rh (1, Keras 3 and cuDNN) or h before U_h (0).</summary>
    public int ResetAfter;

    /// <summary>GRU: which parts of the step this launch does, a combination of <see cref="GruStage"/> flags.</summary>
    public int Stages;

    /// <summary>
    /// Keras recurrent_dropout, one [B, H] mask per gate (GRU 3: z, r, h; SimpleRNN 1), the same for
    /// every step, on h_{t-1} where it enters the recurrent GEMMs (not where GRU's z mixes it into h_t).
    /// Forward writes the dropped copies h_t * mask_k that the next step's GEMMs read; backward folds
    /// the GEMMs' grads of those copies back into dh through the masks.
    /// </summary>
    public int HasRecurrentDropout;
}

/// <summary>
/// The two halves of a GRU step. reset_after runs both in one launch; reset_before needs the GEMM
/// (r * h) U_h between them, so it launches the gates, then the GEMM, then the candidate
/// (backward: candidate, GEMM, gates).
/// </summary>
public static class GruStage
{
    /// <summary>Update and reset gates z, r (forward) or the reset gate's grad (backward).</summary>
    public const int Gates = 1;

    /// <summary>Candidate h~ and the new state (forward) or their grads and z's (backward).</summary>
    public const int Candidate = 2;

    public const int Both = Gates | Candidate;
}
