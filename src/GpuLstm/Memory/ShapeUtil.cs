namespace GpuLstm.Memory;

/// <summary>Shape checks and formatting shared by tensors and ops.</summary>
public static class ShapeUtil
{
    public static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    public static long Elements(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
            n *= d;
        return n;
    }

    internal static int[] Validate(IReadOnlyList<int> shape, string name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count == 0 || shape.Any(d => d <= 0))
            throw new ArgumentException($"{name}: shape {Format(shape)} must have one or more positive dimensions.");
        if (Elements(shape) > int.MaxValue)
            throw new ArgumentException($"{name}: shape {Format(shape)} exceeds {int.MaxValue} elements.");
        return shape.ToArray();
    }

    /// <summary>Throws naming the op and both shapes unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void Expect(string op, string what, IReadOnlyList<int> actual, IReadOnlyList<int> expected)
    {
        if (!actual.SequenceEqual(expected))
            throw new ArgumentException($"{op}: {what} has shape {Format(actual)}, expected {Format(expected)}.");
    }

    /// <summary>Throws unless the tensor has the given rank.</summary>
    public static void ExpectRank(string op, string what, IReadOnlyList<int> actual, int rank, string layout)
    {
        if (actual.Count != rank)
            throw new ArgumentException($"{op}: {what} has shape {Format(actual)}, expected rank {rank} {layout}.");
    }
}
