using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Layers;

/// <summary>
/// Keras Embedding: maps integer token ids (stored as floats) [T] to rows of a trainable
/// [inputDim, outputDim] table, giving [T, outputDim]. Ids must be integers in [0, inputDim);
/// they are not checked on the device (see <see cref="EmbeddingOp"/>).
/// </summary>
public sealed class Embedding : Layer
{
    // Keras's default embeddings_initializer is RandomUniform(-0.05, 0.05).
    private const double InitLimit = 0.05;

    public Embedding(int inputDim, int outputDim, bool maskZero = false, string? name = null, int? inputLength = null)
        : base(name, inputLength is { } t ? [t] : null)
    {
        if (inputDim <= 0)
            throw new ArgumentException($"Embedding: inputDim must be positive, got {inputDim}.");
        if (outputDim <= 0)
            throw new ArgumentException($"Embedding: outputDim must be positive, got {outputDim}.");
        if ((long)inputDim * outputDim > int.MaxValue)
            throw new ArgumentException($"Embedding: a {inputDim} x {outputDim} table exceeds {int.MaxValue} elements.");
        if (inputLength is <= 0)
            throw new ArgumentException($"Embedding: inputLength must be positive, got {inputLength}.");
        InputDim = inputDim;
        OutputDim = outputDim;
        MaskZero = maskZero;
    }

    /// <summary>Vocabulary size: ids run from 0 to inputDim - 1.</summary>
    public int InputDim { get; }
    public int OutputDim { get; }

    /// <summary>Keras mask_zero: id 0 is padding (so inputDim should be the vocabulary size + 1).</summary>
    public bool MaskZero { get; }

    public override string KerasClassName => "Embedding";
    protected internal override string DefaultBaseName => "embedding";

    protected internal override int[] ComputeOutputShape(IReadOnlyList<int> inputShape) => [.. inputShape, OutputDim];

    protected internal override IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape)
    {
        yield return new WeightSpec("embeddings", [InputDim, OutputDim], Uniform);
    }

    protected internal override Dictionary<string, object?> Config() => new()
    {
        ["input_dim"] = InputDim, ["output_dim"] = OutputDim, ["mask_zero"] = MaskZero,
    };

    protected internal override Tensor Forward(LayerContext context, Tensor x)
    {
        var mask = MaskZero ? EmbeddingOp.PaddingMask(context.Tape, x) : null; // [B, T]
        return EmbeddingOp.Forward(context.Tape, x, Weight("embeddings"), Name!).WithMask(mask);
    }

    /// <summary>Throws naming the first token id that is not an integer in [0, inputDim): checked on the host before upload.</summary>
    internal void CheckTokens(ReadOnlySpan<float> ids, string what)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            float id = ids[i];
            if (!(id >= 0 && id < InputDim) || id != MathF.Floor(id))
                throw new ArgumentException($"{what}: {Name} (Embedding) needs integer token ids in [0, {InputDim}); element {i} is {id}.");
        }
    }

    private float[] Uniform(Random rng)
    {
        var w = new float[InputDim * OutputDim];
        for (int i = 0; i < w.Length; i++)
            w[i] = (float)((rng.NextDouble() * 2 - 1) * InitLimit);
        return w;
    }
}
