using System.Text;

namespace GpuLstm.Datasets;

/// <summary>
/// The RFC 4180 tokenizer behind <see cref="CsvTable"/>. It is strict about quotes: a quote can
/// only open a field, and only a comma or a line end can follow a closing quote. Malformed
/// input fails loudly with a line number, so nothing is quietly misparsed.
/// </summary>
internal static class CsvRecordReader
{
    public static List<CsvRecord> ReadAll(TextReader reader, string source)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1, quoteLine = 0;
        bool inQuotes = false, afterClosingQuote = false, hasContent = false;

        void EndRecord()
        {
            // A line with no characters at all is blank, not a one-field record.
            if (hasContent)
            {
                fields.Add(field.ToString());
                records.Add(new CsvRecord(recordLine, fields.ToArray()));
            }
            fields.Clear();
            field.Clear();
            hasContent = false;
            afterClosingQuote = false;
        }

        int ch;
        while ((ch = reader.Read()) >= 0)
        {
            char c = (char)ch;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                        afterClosingQuote = true;
                    }
                }
                else
                {
                    // Line breaks inside quotes are data, but they still count as physical lines.
                    field.Append(c);
                    if (c == '\n' || (c == '\r' && reader.Peek() != '\n'))
                        line++;
                }
                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    afterClosingQuote = false;
                    hasContent = true;
                    break;
                case '\r':
                case '\n':
                    if (c == '\r' && reader.Peek() == '\n')
                        reader.Read();
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                case '"':
                    if (field.Length > 0 || afterClosingQuote)
                        throw Error(source, line, "a quote inside an unquoted field (quote the whole field and double the inner quote)");
                    inQuotes = true;
                    quoteLine = line;
                    hasContent = true;
                    break;
                default:
                    if (afterClosingQuote)
                        throw Error(source, line, $"'{c}' after a closing quote (expected ',' or a line end)");
                    field.Append(c);
                    hasContent = true;
                    break;
            }
        }

        if (inQuotes)
            throw Error(source, quoteLine, "the quoted field that opens here never closes");
        EndRecord();
        return records;
    }

    private static FormatException Error(string source, int line, string what) =>
        new($"{source}: line {line}: {what}.");
}
