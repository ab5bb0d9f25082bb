namespace GpuLstm.Kernels;

/// <summary>The scalar settings of <see cref="MetricKernels.MetricPartials"/>.</summary>
public struct MetricArgs
{
    /// <summary>A <see cref="MetricCode"/> value.</summary>
    public int Metric;
    /// <summary>Rows of [rows, classes] (the prediction's last axis is the class axis).</summary>
    public int Rows;
    public int Classes;
    /// <summary>Binary accuracy: the decision threshold; top-k: k.</summary>
    public float Threshold;
    public StepWeights Weights;
}

/// <summary>
/// The scalar settings of <see cref="MetricKernels.ConfusionPartials"/>: work item s * Thresholds + i
/// counts elements [s * Chunk, (s + 1) * Chunk) against threshold i.
/// </summary>
public struct ConfusionArgs
{
    /// <summary>Prediction elements (each one a binary decision, as Keras flattens them).</summary>
    public int Count;
    /// <summary>1: the single <see cref="Threshold"/> (precision, recall); more: Keras's evenly spaced AUC thresholds.</summary>
    public int Thresholds;
    public float Threshold;
    /// <summary>Apply a sigmoid to the predictions first (AUC from logits).</summary>
    public int FromLogits;
    public int Slices;
    public int Chunk;
    public StepWeights Weights;
}
