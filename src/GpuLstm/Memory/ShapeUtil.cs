using System.Globalization;
using System.Numerics;

namespace GpuLstm.Memory;

/// <summary>Shape checks and formatting shared by tensors and ops.</summary>
public static class ShapeUtil
{
    /// <summary>Most elements one device buffer holds: kernels index buffers with int.</summary>
    internal const long MaxElements = int.MaxValue;

    public static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The bytes <paramref name="elements"/> float32 values take, exact and readable: "400,000,000 bytes (381.47 MB)".</summary>
    internal static string FormatBytes(BigInteger elements)
    {
        var bytes = elements * sizeof(float); // exact for any shape
        return string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes ({ReadableBytes((double)bytes)})");
    }

    /// <summary>Keras's readable_memory_size (Summary prints it): divide by 1024 until below it, two decimals.</summary>
    internal static string ReadableBytes(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        foreach (string unit in units)
        {
            if (bytes / 1024 < 1)
                return string.Create(CultureInfo.InvariantCulture, $"{bytes:F2} {unit}");
            bytes /= 1024;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{bytes:F2} PB");
    }

    /// <summary>A buffer length computed in 64 bits, checked against what one buffer holds; <paramref name="what"/> names the owner and the tensor.</summary>
    internal static int BufferLength(long elements, string what)
    {
        if (elements < 1 || elements > MaxElements)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{what} needs {elements:N0} floats ({FormatBytes(elements)}), more than one device buffer holds ({MaxElements:N0})."));
        return (int)elements;
    }

    /// <summary>
    /// A recurrent op's workspace length, checked as <see cref="BufferLength(long, string)"/>; the message
    /// (built only on failure) names the layer, the workspace's layout and T, B, H.
    /// </summary>
    internal static int WorkspaceLength(long elements, string layer, string layout, int steps, int batch, int units)
    {
        if (elements >= 1 && elements <= MaxElements)
            return (int)elements;
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"{layer}: the {layout} for {steps:N0} steps, batch {batch:N0} and {units:N0} units needs {elements:N0} floats ({FormatBytes(elements)}), " +
            $"more than one device buffer holds ({MaxElements:N0}); use a smaller batch or shorter sequences."));
    }

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
        // Stops once past the limit: the product so far times one int axis still fits a long.
        long elements = 1;
        for (int i = 0; i < shape.Count && elements <= MaxElements; i++)
            elements *= shape[i];
        if (elements > MaxElements)
        {
            var exact = shape.Aggregate(BigInteger.One, (n, d) => n * d); // four large axes overflow even a long
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: shape {Format(shape)} has {exact:N0} elements ({FormatBytes(exact)}), more than one device buffer holds ({MaxElements:N0})."));
        }
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
