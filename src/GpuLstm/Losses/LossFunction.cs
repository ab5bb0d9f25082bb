using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Losses;

/// <summary>The losses Compile accepts, by Keras name or as objects with options (fromLogits).</summary>
public sealed record LossFunction(string Name, bool FromLogits = false)
{
    /// <summary>One of <see cref="Names"/> (the aliases mse and mae are taken as their full names); anything else is an error listing them.</summary>
    public string Name { get; } = Canonical(Name);

    public static readonly string[] Names =
    [
        "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
        "mean_squared_error", "mean_absolute_error",
    ];

    public static LossFunction BinaryCrossentropy(bool fromLogits = false) => new("binary_crossentropy", fromLogits);
    public static LossFunction CategoricalCrossentropy(bool fromLogits = false) => new("categorical_crossentropy", fromLogits);
    public static LossFunction SparseCategoricalCrossentropy(bool fromLogits = false) => new("sparse_categorical_crossentropy", fromLogits);
    public static LossFunction MeanSquaredError() => new("mean_squared_error");
    public static LossFunction MeanAbsoluteError() => new("mean_absolute_error");

    /// <summary>Keras names and their aliases (mse, mae).</summary>
    public static LossFunction FromName(string name) => new(name);

    private static string Canonical(string name) => (name ?? "").Trim().ToLowerInvariant() switch
    {
        "mse" => "mean_squared_error",
        "mae" => "mean_absolute_error",
        var n when Names.Contains(n) => n,
        _ => throw new ArgumentException($"LossFunction: unknown loss '{name}'; expected one of {string.Join(", ", Names)} (or the aliases mse, mae)."),
    };

    public bool IsSparse => Name == "sparse_categorical_crossentropy";

    /// <summary>
    /// Adds the mean loss of pred against target to the tape; returns the [1] loss tensor. Keras's
    /// reduction: each loss term times its weight (<paramref name="sampleWeight"/> [B] or [B, T]),
    /// summed and divided by the number of terms; pred's mask ([B, T], 0 = padded step) gives
    /// padded steps weight 0 and takes the mean over the real ones.
    /// </summary>
    public Tensor Compute(Tape tape, Tensor pred, Tensor target, Tensor? sampleWeight = null) => Name switch
    {
        "binary_crossentropy" => LossOps.BinaryCrossEntropy(tape, pred, target, FromLogits, sampleWeight),
        "categorical_crossentropy" => LossOps.CategoricalCrossEntropy(tape, pred, target, sparse: false, FromLogits, sampleWeight),
        "sparse_categorical_crossentropy" => LossOps.CategoricalCrossEntropy(tape, pred, target, sparse: true, FromLogits, sampleWeight),
        "mean_squared_error" => LossOps.MeanSquaredError(tape, pred, target, sampleWeight),
        "mean_absolute_error" => LossOps.MeanAbsoluteError(tape, pred, target, sampleWeight),
        _ => throw new InvalidOperationException($"LossFunction: no implementation for '{Name}'"), // Name is validated above
    };
}
