using GpuLstm.Losses;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// Host-side checks of Fit/Evaluate's sampleWeight and classWeight, before anything is uploaded.
/// Sample weights are [N] (per sample) or, for a sequence output, [N, T] (per step; a flat float[]
/// of N * T is read so too). Class weights become sample weights as Keras 3's
/// class_weight_to_sample_weights does: one class per sample (a rounded label or the arg-max of a
/// one-hot row), classes missing from the dictionary weigh 1; Keras 3 refuses them together with
/// sample weights and for models with several outputs, and so does this.
/// </summary>
internal static class SampleWeights
{
    /// <summary>Per output: the checked weights ([N] or [N, T]) or null.</summary>
    /// <param name="y">the checked targets, one per output</param>
    /// <param name="checkValues">scan the weights for NaN, infinities and negatives (Model.CheckData)</param>
    public static HostArray?[] Resolve(string what, HostArray[]? sampleWeight, IReadOnlyDictionary<int, float>? classWeight,
        HostArray[] y, IReadOnlyList<LossFunction> losses, IReadOnlyList<string> outputNames, bool checkValues)
    {
        var result = new HostArray?[y.Length];
        if (sampleWeight is not null)
        {
            if (classWeight is not null)
                throw new ArgumentException($"{what}: pass sampleWeight or classWeight, not both (Keras 3 refuses them together); multiply them into sampleWeight instead.");
            // Keras: one sample-wise array serves every output.
            if (sampleWeight.Length == 1 && y.Length > 1)
                sampleWeight = Enumerable.Repeat(sampleWeight[0], y.Length).ToArray();
            if (sampleWeight.Length != y.Length)
                throw new ArgumentException($"{what}: sampleWeight has {sampleWeight.Length} arrays for {y.Length} outputs ({string.Join(", ", outputNames)}).");
            for (int k = 0; k < y.Length; k++)
                result[k] = sampleWeight[k] is { } w ? Check(y.Length == 1 ? $"{what} sampleWeight" : $"{what} sampleWeight[{k}]", w, y[k], losses[k], checkValues) : null;
        }
        else if (classWeight is not null)
        {
            if (y.Length != 1)
                throw new ArgumentException($"{what}: classWeight is only supported for models with a single output (Keras 3); {outputNames.Count} outputs here: use sampleWeight.");
            result[0] = FromClasses(what, classWeight, y[0], losses[0]);
        }
        return result;
    }

    private static HostArray Check(string what, HostArray w, HostArray y, LossFunction loss, bool checkValues)
    {
        int n = y.Count;
        // Predictions of a sequence output are [N, T, ...]: the targets keep the time axis (sparse ones lose the class axis).
        int predictionRank = y.Shape.Length + (loss.IsSparse ? 1 : 0);
        int? steps = predictionRank >= 3 ? y.Shape[1] : null;
        HostArray shaped = w.Shape switch
        {
            [var len] when len == n => w,
            [var len] when steps is { } t && len == n * t => new HostArray(w.Data, n, t),
            [var len, 1] when len == n => new HostArray(w.Data, n),
            [var len, var t] when len == n && t == steps => w,
            _ => throw new ArgumentException(
                $"{what}: expected shape [{n}] (one weight per sample)" + (steps is { } s ? $" or [{n}, {s}] (one per time step)" : "") +
                $" for targets {ShapeUtil.Format(y.Shape)}, got {ShapeUtil.Format(w.Shape)}."),
        };
        if (checkValues)
            DataCheck.Weights(w, what); // w's own shape: the index the caller can look up
        return shaped;
    }

    private static HostArray FromClasses(string what, IReadOnlyDictionary<int, float> classWeight, HostArray y, LossFunction loss)
    {
        foreach (var (id, weight) in classWeight)
        {
            if (!float.IsFinite(weight) || weight < 0f)
                throw new ArgumentException($"{what}: classWeight[{id}] must be finite and >= 0, got {weight}.");
        }
        var perSample = y.Shape[1..];
        // One class per sample: a label ([], [1]) or a one-hot / probability row ([C]); a time axis has many.
        bool oneHot = !loss.IsSparse && perSample is [> 1];
        if (!(perSample.Length == 0 || perSample is [1] || oneHot))
            throw new ArgumentException(
                $"{what}: classWeight needs one class per sample, but targets {ShapeUtil.Format(y.Shape)} hold {y.SampleLength} labels each; pass sampleWeight (per step: [N, T]) instead.");
        var weights = new float[y.Count];
        for (int i = 0; i < y.Count; i++)
        {
            int label = oneHot ? ArgMax(y.Data.AsSpan(i * y.SampleLength, y.SampleLength)) : (int)MathF.Round(y.Data[i], MidpointRounding.ToEven);
            weights[i] = classWeight.TryGetValue(label, out float w) ? w : 1f;
        }
        return new HostArray(weights, y.Count);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
                best = k;
        }
        return best;
    }
}
