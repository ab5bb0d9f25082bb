using System.Globalization;

namespace GpuLstm.Plotting;

/// <summary>Axis ranges and "nice" tick positions (steps of 1, 2 or 5 times a power of ten) with short labels.</summary>
internal static class AxisTicks
{
    /// <summary>
    /// The span of the finite values, widened by <paramref name="padFraction"/> of its width on each
    /// side. One distinct value gets a small band around it, and no finite values gives [0, 1].
    /// </summary>
    public static (double Min, double Max) PaddedRange(IEnumerable<double> values, double padFraction)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
                continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (min > max)
            return (0, 1);
        if (min == max)
        {
            double half = min == 0 ? 1 : Math.Abs(min) * 0.05;
            return (min - half, max + half);
        }
        double pad = (max - min) * padFraction;
        return (min - pad, max + pad);
    }

    /// <summary>About <paramref name="target"/> evenly spaced ticks inside [min, max] (always at least two).</summary>
    public static AxisTick[] Linear(double min, double max, int target)
    {
        if (!(max > min))
            throw new ArgumentException($"Axis range [{min}, {max}] is empty.");
        double maxAbs = Math.Max(Math.Abs(min), Math.Abs(max));
        // A finer step nearly always yields two ticks at once; the cap guards degenerate float ranges.
        for (int t = Math.Max(2, target); t < target + 20; t++)
        {
            double step = NiceStep((max - min) / t);
            long first = (long)Math.Ceiling(min / step - 1e-9);
            long last = (long)Math.Floor(max / step + 1e-9);
            if (last - first + 1 >= 2)
                return Enumerable.Range(0, (int)(last - first + 1))
                    .Select(i => LinearTick((first + i) * step, step, maxAbs))
                    .ToArray();
        }
        return [LinearTick(min, max - min, maxAbs), LinearTick(max, max - min, maxAbs)];
    }

    /// <summary>
    /// Ticks for a log10 axis over positive [min, max]. It uses the powers of ten, plus the 2x and 5x
    /// multiples when fewer than two decades fit, and falls back to linear ticks for narrow ranges.
    /// </summary>
    public static AxisTick[] Log(double min, double max)
    {
        if (!(min > 0 && max > min))
            throw new ArgumentException($"Log axis range [{min}, {max}] must be positive and non-empty.");
        int lo = (int)Math.Ceiling(Math.Log10(min) - 1e-9), hi = (int)Math.Floor(Math.Log10(max) + 1e-9);
        var decades = Enumerable.Range(lo, Math.Max(0, hi - lo + 1)).ToList();
        if (decades.Count >= 2)
        {
            int every = (decades.Count + 7) / 8; // at most about 8 labels
            return decades.Where(k => (k - lo) % every == 0).Select(k => LogTick(Math.Pow(10, k))).ToArray();
        }
        var multiples = new List<double>();
        for (int k = lo - 1; k <= hi; k++)
        {
            foreach (double m in (ReadOnlySpan<double>)[1, 2, 5])
            {
                double v = m * Math.Pow(10, k);
                if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9))
                    multiples.Add(v);
            }
        }
        return multiples.Count >= 3 ? multiples.Select(LogTick).ToArray() : Linear(min, max, 4);
    }

    /// <summary>1, 2 or 5 times a power of ten, near <paramref name="rough"/>.</summary>
    internal static double NiceStep(double rough)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double normalized = rough / magnitude;
        double nice = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
        return nice * magnitude;
    }

    private static AxisTick LinearTick(double value, double step, double maxAbs)
    {
        if (Math.Abs(value) < step * 1e-6)
            value = 0; // no "-0" or "1e-17" for the zero tick
        string label;
        if (maxAbs >= 1e6 || maxAbs < 1e-3)
            label = value == 0 ? "0" : value.ToString("0.###e+0", CultureInfo.InvariantCulture);
        else
        {
            // Enough decimals to tell neighbouring ticks apart, and no more.
            int decimals = step >= 1 ? 0 : (int)Math.Ceiling(-Math.Log10(step) - 1e-9);
            label = value.ToString("F" + decimals, CultureInfo.InvariantCulture);
        }
        return new AxisTick(value, label);
    }

    private static AxisTick LogTick(double value)
    {
        // The tolerance keeps 0.0001 in plain form even if Math.Pow(10, -4) lands a hair below 1e-4.
        bool plain = value >= 1e-4 * (1 - 1e-9) && value < 1e5;
        return new AxisTick(value, value.ToString(plain ? "0.####" : "0.#e+0", CultureInfo.InvariantCulture));
    }
}
