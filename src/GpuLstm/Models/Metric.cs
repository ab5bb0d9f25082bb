using GpuLstm.Kernels;
using GpuLstm.Losses;

namespace GpuLstm.Models;

/// <summary>A compiled metric: the name Keras prints and the kernel code that computes it.</summary>
public sealed record Metric(string Name, int Code, float Threshold)
{
    /// <summary>Confusion metrics: how many thresholds their counts are kept at (AUC: 200).</summary>
    public int Thresholds { get; init; } = 1;

    /// <summary>Confusion metrics: predictions are logits (AUC applies a sigmoid; precision and recall use threshold 0).</summary>
    public bool FromLogits { get; init; }

    /// <summary>Precision, recall and AUC keep true/false positive/negative counts instead of a mean.</summary>
    public bool IsConfusion => Code is MetricCode.Precision or MetricCode.Recall or MetricCode.Auc;

    /// <summary>Device running totals the metric keeps: weighted sum and weight, or 4 counts per threshold.</summary>
    internal int Slots => IsConfusion ? 4 * Thresholds : 2;

    /// <summary>The names <see cref="FromName"/> accepts (besides the aliases acc and mean_absolute_error).</summary>
    public static readonly string[] Names =
    [
        "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "mae", "precision", "recall", "auc",
    ];

    /// <summary>Resolves a Keras metric name; "accuracy" follows the loss as in Keras (binary, categorical or sparse).</summary>
    public static Metric FromName(string name, LossFunction loss)
    {
        // With logits the decision boundary is 0 (Keras's advice for from_logits losses), applied for the user.
        float half = loss.FromLogits ? 0f : 0.5f;
        return name.Trim().ToLowerInvariant() switch
        {
            "accuracy" or "acc" => new Metric("accuracy", loss.Name switch
            {
                "categorical_crossentropy" => MetricCode.CategoricalAccuracy,
                "sparse_categorical_crossentropy" => MetricCode.SparseCategoricalAccuracy,
                "binary_crossentropy" => MetricCode.BinaryAccuracy,
                // Keras would compare regression outputs for exact equality, which is never what is meant.
                _ => throw new ArgumentException(
                    $"Compile: metric 'accuracy' needs a classification loss (binary_crossentropy, categorical_crossentropy or sparse_categorical_crossentropy), got '{loss.Name}'; use mae for regression."),
            }, half),
            "binary_accuracy" => new Metric("binary_accuracy", MetricCode.BinaryAccuracy, half),
            "categorical_accuracy" => new Metric("categorical_accuracy", MetricCode.CategoricalAccuracy, 0f),
            "sparse_categorical_accuracy" => new Metric("sparse_categorical_accuracy", MetricCode.SparseCategoricalAccuracy, 0f),
            "top_k_categorical_accuracy" => new Metric("top_k_categorical_accuracy", MetricCode.TopKCategoricalAccuracy, 5f),
            "sparse_top_k_categorical_accuracy" => new Metric("sparse_top_k_categorical_accuracy", MetricCode.SparseTopKCategoricalAccuracy, 5f),
            "mae" or "mean_absolute_error" => new Metric("mae", MetricCode.MeanAbsoluteError, 0f),
            "precision" => Confusion("precision", MetricCode.Precision, half, 1, loss),
            "recall" => Confusion("recall", MetricCode.Recall, half, 1, loss),
            "auc" => Confusion("auc", MetricCode.Auc, 0f, Ops.MetricOp.AucThresholds, loss),
            _ => throw new ArgumentException(
                $"Compile: unknown metric '{name}'; expected one of {string.Join(", ", Names)} (top-k: k = 5; aliases acc, mean_absolute_error)."),
        };
    }

    private static Metric Confusion(string name, int code, float threshold, int thresholds, LossFunction loss) => loss.IsSparse
        ? throw new ArgumentException(
            $"Compile: metric '{name}' needs one 0/1 target per prediction; loss {loss.Name} gives class indices (use categorical_crossentropy with one-hot targets).")
        : new Metric(name, code, threshold) { Thresholds = thresholds, FromLogits = loss.FromLogits };

    /// <summary>The metric from its running totals (<see cref="Slots"/> values); Keras's divide_no_nan gives 0 for 0/0.</summary>
    internal double Result(ReadOnlySpan<float> totals) => Code switch
    {
        MetricCode.Precision => ConfusionResults.Precision(totals),
        MetricCode.Recall => ConfusionResults.Recall(totals),
        MetricCode.Auc => ConfusionResults.RocAuc(totals, Thresholds),
        _ => ConfusionResults.DivideNoNan(totals[0], totals[1]),
    };
}
