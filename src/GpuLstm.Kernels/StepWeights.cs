using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// How losses and metrics weight each prediction element: optional sample weights ([B] or [B, T])
/// times an optional padding mask ([B, T], 0 = padded step). Both are indexed by the flat element
/// of the prediction divided by how many elements share one entry.
/// </summary>
public struct StepWeights
{
    public int HasWeights;
    /// <summary>Prediction elements per sample-weight entry (pred length / weights length).</summary>
    public int PerWeight;
    public int HasMask;
    /// <summary>Prediction elements per mask entry (pred length / mask length).</summary>
    public int PerMask;
    /// <summary>
    /// Keras apply_mask for mean losses: real steps weigh total / valid (valid counted on the device),
    /// so the mean runs over real steps only. Metrics leave it off (their weights are summed instead).
    /// </summary>
    public int NormaliseMask;
    /// <summary>Mask entries (B * T), the "total" of that rescaling.</summary>
    public float MaskTotal;
}

/// <summary>Reads <see cref="StepWeights"/> inside kernels.</summary>
internal static class Weighting
{
    /// <summary>The factor a real step gets: total / valid (0 when nothing is valid, as divide_no_nan), or 1.</summary>
    public static float MaskScale(StepWeights w, ArrayView<float> valid) =>
        w.HasMask == 0 || w.NormaliseMask == 0 ? 1f : valid[0] > 0f ? w.MaskTotal / valid[0] : 0f;

    /// <summary>Weight of prediction element e.</summary>
    public static float At(StepWeights w, long e, float maskScale, ArrayView<float> weights, ArrayView<float> mask)
    {
        float weight = w.HasWeights != 0 ? weights[e / w.PerWeight] : 1f;
        if (w.HasMask != 0)
            weight *= mask[e / w.PerMask] != 0f ? maskScale : 0f;
        return weight;
    }
}
