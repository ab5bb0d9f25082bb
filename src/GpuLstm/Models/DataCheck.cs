using System.Globalization;
using System.Numerics;
using GpuLstm.Losses;

namespace GpuLstm.Models;

/// <summary>
/// Host-side checks of the data Fit/Evaluate/Predict/TrainOnBatch/TestOnBatch take, before anything is
/// uploaded: no NaN or infinity in x, y or sample weights, and labels each loss can read (sparse
/// categorical: integer class ids in [0, classes); binary: [0, 1], soft labels allowed, as Keras;
/// categorical: >= 0). Each error names the array, the first bad element as a multi-index and its value.
/// The scan is one SIMD pass per array (a range test that NaN fails); <see cref="Model.CheckData"/> = false skips it.
/// </summary>
internal static class DataCheck
{
    private const string Skip = "clean the data or set Model.CheckData = false to skip this check";

    /// <summary>x of one call: every input finite.</summary>
    /// <param name="what">e.g. "Fit x" (one input) or "Fit x" with "[k]" appended per input when there are several</param>
    /// <param name="use">how the call uses the data, for the message: "trained on", "evaluated on", "predicted from"</param>
    public static void Inputs(HostArray[] x, string what, string use)
    {
        for (int i = 0; i < x.Length; i++)
            Finite(x[i], x.Length == 1 ? what : $"{what}[{i}]", use);
    }

    /// <summary>Every element finite.</summary>
    public static void Finite(HostArray a, string what, string use)
    {
        long bad = FirstOutside(a.Data, -float.MaxValue, float.MaxValue, integer: false);
        if (bad >= 0)
            throw NonFinite(a, bad, what, use);
    }

    /// <summary>Sample weights: finite and >= 0 (as SampleWeights has always required).</summary>
    public static void Weights(HostArray w, string what)
    {
        long bad = FirstOutside(w.Data, 0f, float.MaxValue, integer: false);
        if (bad < 0)
            return;
        float v = w.Data[bad];
        throw new ArgumentException(
            $"{what}: element {Index(w.Shape, bad)} is {Format(v)} (sample weights must be finite and >= 0; {Skip}).");
    }

    /// <summary>
    /// Targets of one output for its loss. <paramref name="classes"/> is the output's last dimension
    /// (the class count of a sparse categorical loss).
    /// </summary>
    public static void Targets(HostArray y, LossFunction loss, int classes, string output, string what, string use)
    {
        var (low, high, integer, rule) = loss.Name switch
        {
            "sparse_categorical_crossentropy" =>
                (0f, classes - 1f, true, $"{loss.Name} needs integer class ids in [0, {classes}) for output '{output}' ({classes} classes, its last axis)"),
            "binary_crossentropy" =>
                (0f, 1f, false, $"{loss.Name} needs targets in [0, 1] for output '{output}' (0/1 labels or soft labels)"),
            "categorical_crossentropy" =>
                (0f, float.MaxValue, false, $"{loss.Name} needs targets >= 0 for output '{output}' (one-hot rows or class probabilities)"),
            _ => (-float.MaxValue, float.MaxValue, false, ""),
        };
        long bad = FirstOutside(y.Data, low, high, integer);
        if (bad < 0)
            return;
        float v = y.Data[bad];
        if (!float.IsFinite(v))
            throw NonFinite(y, bad, what, use);
        string why = integer && v >= low && v <= high ? " (not an integer)" : "";
        throw new ArgumentException($"{what}: {rule}; element {Index(y.Shape, bad)} is {Format(v)}{why} ({Skip}).");
    }

    private static ArgumentException NonFinite(HostArray a, long flat, string what, string use) =>
        new($"{what}: element {Index(a.Shape, flat)} is {Format(a.Data[flat])} (NaN and infinities cannot be {use}; {Skip}).");

    /// <summary>
    /// Flat index of the first value outside [low, high] (or, with <paramref name="integer"/>, not a
    /// whole number); NaN is always outside; -1 when there is none. Vector&lt;float&gt; lanes first, then the tail.
    /// </summary>
    internal static long FirstOutside(ReadOnlySpan<float> data, float low, float high, bool integer)
    {
        int width = Vector<float>.Count, i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= width)
        {
            var lo = new Vector<float>(low);
            var hi = new Vector<float>(high);
            for (; i <= data.Length - width; i += width)
            {
                var v = new Vector<float>(data.Slice(i, width));
                // Comparisons with NaN are false, so NaN lanes fail the range test.
                var ok = Vector.GreaterThanOrEqual(v, lo) & Vector.LessThanOrEqual(v, hi);
                if (integer)
                    ok &= Vector.Equals(Vector.Floor(v), v);
                if (!Vector.EqualsAll(ok, new Vector<int>(-1)))
                    break; // the scalar loop below finds the lane
            }
        }
        for (; i < data.Length; i++)
        {
            float v = data[i];
            if (!(v >= low && v <= high) || (integer && MathF.Floor(v) != v))
                return i;
        }
        return -1;
    }

    /// <summary>Row-major flat index as [i0, i1, ...].</summary>
    internal static string Index(int[] shape, long flat)
    {
        var index = new long[shape.Length];
        for (int a = shape.Length - 1; a >= 0; a--)
        {
            index[a] = flat % shape[a];
            flat /= shape[a];
        }
        return $"[{string.Join(", ", index)}]";
    }

    /// <summary>A value as the message shows it, independent of the culture (which may print infinity as ∞).</summary>
    internal static string Format(float v) => v switch
    {
        float.PositiveInfinity => "+Infinity",
        float.NegativeInfinity => "-Infinity",
        _ when float.IsNaN(v) => "NaN",
        _ => v.ToString("R", CultureInfo.InvariantCulture),
    };
}
