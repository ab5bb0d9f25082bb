using GpuLstm.Kernels;
using GpuLstm.Losses;

namespace GpuLstm.Models;

/// <summary>A compiled metric: the name Keras prints and the kernel code that computes it.</summary>
public sealed record Metric(string Name, int Code, float Threshold)
{
    /// <summary>Resolves a Keras metric name; "accuracy" follows the loss as in Keras (binary, categorical or sparse).</summary>
    public static Metric FromName(string name, LossFunction loss) => name.Trim().ToLowerInvariant() switch
    {
        "accuracy" or "acc" => new Metric("accuracy", loss.Name switch
        {
            "categorical_crossentropy" => MetricCode.CategoricalAccuracy,
            "sparse_categorical_crossentropy" => MetricCode.SparseCategoricalAccuracy,
            "binary_crossentropy" => MetricCode.BinaryAccuracy,
            // Keras would compare regression outputs for exact equality, which is never what is meant.
            _ => throw new ArgumentException(
                $"Compile: metric 'accuracy' needs a classification loss (binary_crossentropy, categorical_crossentropy or sparse_categorical_crossentropy), got '{loss.Name}'; use mae for regression."),
        }, loss.FromLogits ? 0f : 0.5f),
        "binary_accuracy" => new Metric("binary_accuracy", MetricCode.BinaryAccuracy, loss.FromLogits ? 0f : 0.5f),
        "categorical_accuracy" => new Metric("categorical_accuracy", MetricCode.CategoricalAccuracy, 0f),
        "sparse_categorical_accuracy" => new Metric("sparse_categorical_accuracy", MetricCode.SparseCategoricalAccuracy, 0f),
        "top_k_categorical_accuracy" => new Metric("top_k_categorical_accuracy", MetricCode.TopKCategoricalAccuracy, 5f),
        "sparse_top_k_categorical_accuracy" => new Metric("sparse_top_k_categorical_accuracy", MetricCode.SparseTopKCategoricalAccuracy, 5f),
        "mae" or "mean_absolute_error" => new Metric("mae", MetricCode.MeanAbsoluteError, 0f),
        _ => throw new ArgumentException(
            $"Compile: unknown metric '{name}'; expected accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy, sparse_top_k_categorical_accuracy (k = 5) or mae."),
    };
}
