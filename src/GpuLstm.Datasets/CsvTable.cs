using System.Globalization;
using System.Reflection;

namespace GpuLstm.Datasets;

/// <summary>
/// A CSV file held in memory as string columns (RFC 4180): a header row, optionally quoted fields
/// ("" inside quotes is a literal quote, and commas and line breaks inside quotes are data), and
/// CRLF, LF or CR line ends. Blank lines are skipped. Every record must have as many fields as
/// the header. Errors give the 1-based line number where the bad record starts.
/// </summary>
public sealed class CsvTable
{
    /// <summary>Prefix of the logical names of the CSV files embedded in this assembly (see GpuLstm.csproj).</summary>
    internal const string ResourcePrefix = "GpuLstm.Datasets.BuiltIn.";

    private readonly string[] _headers;
    private readonly string[][] _columns;
    private readonly int[] _lineNumbers;

    private CsvTable(string source, string[] headers, string[][] columns, int[] lineNumbers)
    {
        Source = source;
        _headers = headers;
        _columns = columns;
        _lineNumbers = lineNumbers;
    }

    /// <summary>Where the table came from (a path, a resource name or a caller-given name), for messages.</summary>
    public string Source { get; }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> Headers => _headers;

    /// <summary>Number of data records, not counting the header.</summary>
    public int RowCount => _lineNumbers.Length;

    /// <summary>Reads a CSV file. UTF-8 unless the file starts with a byte-order mark.</summary>
    public static CsvTable Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>. <paramref name="source"/> names it in error messages.</summary>
    public static CsvTable Read(TextReader reader, string source = "<text>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var records = CsvRecordReader.ReadAll(reader, source);
        if (records.Count == 0)
            throw new FormatException($"{source}: no header row (the input is empty).");

        var headers = records[0].Fields;
        // A BOM reaches us when the caller's reader did not strip it; it is not part of the name.
        if (headers[0].Length > 0 && headers[0][0] == '\uFEFF')
            headers[0] = headers[0][1..];
        var duplicate = headers.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new FormatException($"{source}: line {records[0].Line}: column '{duplicate.Key}' appears more than once in the header.");

        int rows = records.Count - 1;
        var columns = new string[headers.Length][];
        for (int c = 0; c < headers.Length; c++)
            columns[c] = new string[rows];
        var lines = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var record = records[r + 1];
            if (record.Fields.Length != headers.Length)
                throw new FormatException(
                    $"{source}: line {record.Line}: {record.Fields.Length} fields, but the header has {headers.Length}.");
            for (int c = 0; c < headers.Length; c++)
                columns[c][r] = record.Fields[c];
            lines[r] = record.Line;
        }
        return new CsvTable(source, headers, columns, lines);
    }

    /// <summary>Parses CSV held in a string.</summary>
    public static CsvTable Parse(string text, string source = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        return Read(new StringReader(text), source);
    }

    /// <summary>
    /// Reads a data set shipped inside this assembly, by file name, e.g. "co2-concentration.csv".
    /// Unknown names throw <see cref="ArgumentException"/> listing the ones available.
    /// </summary>
    public static CsvTable LoadEmbedded(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var assembly = typeof(CsvTable).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new ArgumentException(
                $"No embedded data set '{fileName}'. Available: {string.Join(", ", EmbeddedNames())}.", nameof(fileName));
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        return Read(reader, "embedded:" + fileName);
    }

    /// <summary>File names of the data sets embedded in this assembly.</summary>
    public static IReadOnlyList<string> EmbeddedNames()
    {
        Assembly assembly = typeof(CsvTable).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>True when the header has a column named exactly <paramref name="name"/> (ordinal, case-sensitive).</summary>
    public bool HasColumn(string name) => Array.IndexOf(_headers, name) >= 0;

    /// <summary>The raw cells of a column, one per record. Throws <see cref="ArgumentException"/> for an unknown name.</summary>
    public IReadOnlyList<string> Column(string name) => _columns[IndexOf(name)];

    /// <summary>
    /// The column parsed as invariant-culture numbers. An empty, non-numeric or non-finite cell
    /// throws <see cref="FormatException"/> naming the column, the 1-based line and the text.
    /// </summary>
    public double[] NumericColumn(string name)
    {
        var cells = _columns[IndexOf(name)];
        var values = new double[cells.Length];
        for (int r = 0; r < cells.Length; r++)
        {
            string text = cells[r];
            if (string.IsNullOrWhiteSpace(text))
                throw new FormatException($"{Source}: column '{name}', line {_lineNumbers[r]}: missing value (empty cell).");
            // NaN/Infinity parse, but here they would only hide missing data, so they are rejected too.
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new FormatException($"{Source}: column '{name}', line {_lineNumbers[r]}: '{text}' is not a finite number.");
            values[r] = v;
        }
        return values;
    }

    /// <summary>The 1-based line in the source where data record <paramref name="row"/> (0-based) starts.</summary>
    public int LineNumber(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        return _lineNumbers[row];
    }

    private int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = Array.IndexOf(_headers, name);
        if (index < 0)
            throw new ArgumentException(
                $"{Source}: no column '{name}'. Available columns: {string.Join(", ", _headers.Select(h => $"'{h}'"))}.");
        return index;
    }
}
