namespace GpuLstm.Tests.Reference;

/// <summary>
/// An independent RFC 4180 reader for the CSV fuzz test, written differently from CsvRecordReader
/// (whole-string index walk, one field at a time) with the rules CsvTable documents: quotes only
/// open a field, "" inside quotes is a quote, only ',' or a line end follows a closing quote;
/// CRLF, LF and CR end records; blank lines are skipped; every record has the header's field count.
/// </summary>
internal static class RefCsv
{
    /// <summary>The table (header, rows with their 1-based start lines), or the 1-based line of the first error.</summary>
    public sealed record Result(string[]? Header, List<(int Line, string[] Fields)> Rows, int? ErrorLine);

    public static Result Parse(string text)
    {
        var records = new List<(int Line, string[] Fields)>();
        int i = 0, line = 1;
        while (i < text.Length)
        {
            if (IsLineEnd(text, i, out int width))
            {
                i += width; // a blank line
                line++;
                continue;
            }
            int start = line;
            var fields = new List<string>();
            while (true)
            {
                var (field, error) = ReadField(text, ref i, ref line);
                if (error is { } bad)
                    return new Result(null, [], bad);
                fields.Add(field);
                if (i < text.Length && text[i] == ',')
                {
                    i++;
                    continue;
                }
                if (i < text.Length && IsLineEnd(text, i, out width))
                {
                    i += width;
                    line++;
                }
                break;
            }
            records.Add((start, fields.ToArray()));
        }
        if (records.Count == 0)
            return new Result(null, [], 0);
        var header = records[0].Fields;
        if (header[0].StartsWith('\uFEFF'))
            header[0] = header[0][1..];
        if (header.Distinct(StringComparer.Ordinal).Count() != header.Length)
            return new Result(null, [], records[0].Line);
        foreach (var (recordLine, fields) in records.Skip(1))
        {
            if (fields.Length != header.Length)
                return new Result(null, [], recordLine);
        }
        return new Result(header, records.Skip(1).ToList(), null);
    }

    private static (string Field, int? ErrorLine) ReadField(string text, ref int i, ref int line)
    {
        if (i < text.Length && text[i] == '"')
        {
            int openLine = line;
            var value = new System.Text.StringBuilder();
            i++;
            while (true)
            {
                if (i >= text.Length)
                    return ("", openLine);
                if (text[i] == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        value.Append('"');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                    line++;
                value.Append(text[i++]);
            }
            if (i < text.Length && text[i] != ',' && !IsLineEnd(text, i, out _))
                return ("", line);
            return (value.ToString(), null);
        }
        int from = i;
        while (i < text.Length && text[i] != ',' && !IsLineEnd(text, i, out _))
        {
            if (text[i] == '"')
                return ("", line);
            i++;
        }
        return (text[from..i], null);
    }

    private static bool IsLineEnd(string text, int i, out int width)
    {
        width = text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
        return text[i] is '\r' or '\n';
    }
}
