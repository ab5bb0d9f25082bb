using System.Diagnostics;
using GpuLstm.Datasets;
using GpuLstm.Tests.Reference;
using Xunit.Abstractions;

namespace GpuLstm.Tests.Data;

/// <summary>
/// Seeded mutations of a CSV with quotes, commas and line breaks in fields: CsvTable must agree with
/// an independent RFC 4180 reader (RefCsv) on every case, either the same headers, cells and line
/// numbers, or a FormatException naming the source and the same line. Nothing else may escape.
/// </summary>
public sealed class CsvFuzzTests(ITestOutputHelper output)
{
    private const string Seed =
        "date,value,note\r\n" +
        "2020-01,1.5,plain\r\n" +
        "2020-02,2.25,\"quoted, with comma\"\r\n" +
        "2020-03,-3e2,\"two\nlines\"\n" +
        "\n" +
        "2020-04,4,\"say \"\"hi\"\"\"\r" +
        "2020-05,,\"\"\n";

    private static readonly string[] Pieces = [",", "\"", "\"\"", "\n", "\r", "\r\n", "a", "1", " ", "\uFEFF", ",\"x\"", "1e39", "NaN"];

    [Fact]
    public void MutatedCsvsMatchAnIndependentReader()
    {
        var rng = new Random(4180);
        var clock = Stopwatch.StartNew();
        int cases = 0, parsed = 0, rejected = 0;
        for (; cases < 4000 && clock.Elapsed < TimeSpan.FromSeconds(30); cases++)
        {
            string text = Mutate(Seed, rng);
            var expected = RefCsv.Parse(text);
            CsvTable? table = null;
            FormatException? error = null;
            try
            {
                table = CsvTable.Parse(text, "fuzz.csv");
            }
            catch (FormatException e)
            {
                error = e;
            }
            string shown = text.Replace("\r", "\\r").Replace("\n", "\\n");
            if (expected.ErrorLine is { } line)
            {
                Assert.True(error is not null, $"case {cases}: the reference rejects line {line}, CsvTable read it: {shown}");
                Assert.StartsWith("fuzz.csv: ", error!.Message, StringComparison.Ordinal);
                if (line > 0)
                    Assert.True(error.Message.Contains($"line {line}:", StringComparison.Ordinal), $"case {cases}: expected line {line}, got '{error.Message}' for {shown}");
                rejected++;
                continue;
            }
            Assert.True(error is null, $"case {cases}: CsvTable rejected what the reference reads ({error?.Message}): {shown}");
            Assert.Equal(expected.Header, table!.Headers);
            Assert.Equal(expected.Rows.Count, table.RowCount);
            for (int c = 0; c < expected.Header!.Length; c++)
                Assert.Equal(expected.Rows.Select(r => r.Fields[c]), table.Column(expected.Header[c]));
            Assert.Equal(expected.Rows.Select(r => r.Line), Enumerable.Range(0, table.RowCount).Select(table.LineNumber));
            parsed++;
        }
        output.WriteLine($"{cases} mutated CSVs in {clock.Elapsed.TotalSeconds:F1} s: {parsed} read, {rejected} rejected (FormatException), identical to the reference");
        Assert.True(cases >= 2000, $"only {cases} cases ran");
        Assert.True(parsed > cases / 10 && rejected > cases / 10, "the mutations should both parse and fail");
    }

    private static string Mutate(string text, Random rng)
    {
        for (int k = rng.Next(1, 4); k > 0; k--)
        {
            int at = rng.Next(text.Length + 1);
            text = rng.Next(3) switch
            {
                0 when text.Length > 0 && at < text.Length => text.Remove(at, 1),
                1 when at < text.Length => text.Remove(at, 1).Insert(at, Pieces[rng.Next(Pieces.Length)]),
                _ => text.Insert(at, Pieces[rng.Next(Pieces.Length)]),
            };
        }
        return rng.Next(20) == 0 ? text[..rng.Next(text.Length + 1)] : text;
    }
}
