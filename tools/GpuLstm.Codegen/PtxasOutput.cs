using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuLstm.Codegen;

/// <summary>Parses the resource lines that <c>ptxas -v</c> prints.</summary>
public static partial class PtxasOutput
{
    /// <summary>Verdict text for a module that assembled.</summary>
    public const string OkVerdict = "ok";

    /// <summary>Turns ptxas's combined output and exit code into a <see cref="PtxasResult"/>.</summary>
    public static PtxasResult Parse(string output, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(output);
        int? registers = null;
        int spillStores = 0, spillLoads = 0, stack = 0, shared = 0;
        var errors = new List<string>();

        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
                continue;

            var used = UsedLine().Match(line);
            if (used.Success)
            {
                // One "Used" line per entry (ILGPU emits one per module); keep the largest to be safe.
                int r = ToInt(used.Groups["regs"]);
                registers = registers is { } prev ? Math.Max(prev, r) : r;
                var smem = SmemPart().Match(line);
                if (smem.Success)
                    shared = Math.Max(shared, ToInt(smem.Groups["bytes"]));
                continue;
            }

            var frame = FrameLine().Match(line);
            if (frame.Success)
            {
                stack = Math.Max(stack, ToInt(frame.Groups["stack"]));
                spillStores += ToInt(frame.Groups["stores"]);
                spillLoads += ToInt(frame.Groups["loads"]);
                continue;
            }

            if (IsError(line))
                errors.Add(line);
        }

        bool ok = exitCode == 0;
        string verdict = ok
            ? OkVerdict
            : errors.Count > 0 ? string.Join(" | ", errors) : $"ptxas exited with code {exitCode}: {FirstLine(output)}";
        return new PtxasResult(ok, registers, spillStores, spillLoads, stack, shared, verdict, output);
    }

    private static bool IsError(string line) =>
        line.Contains("error", StringComparison.OrdinalIgnoreCase)
        || line.StartsWith("ptxas fatal", StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string text)
    {
        var first = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        return first ?? "(no output)";
    }

    private static int ToInt(Group g) => int.Parse(g.Value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    // "ptxas info    : Used 32 registers, 4096 bytes smem, 380 bytes cmem[0]"
    [GeneratedRegex(@"Used (?<regs>\d+) registers")]
    private static partial Regex UsedLine();

    [GeneratedRegex(@"(?<bytes>\d+) bytes smem")]
    private static partial Regex SmemPart();

    // "0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads"
    [GeneratedRegex(@"(?<stack>\d+) bytes stack frame, (?<stores>\d+) bytes spill stores, (?<loads>\d+) bytes spill loads")]
    private static partial Regex FrameLine();
}
