using System.Globalization;
using System.Text;

namespace GpuLstm.Codegen;

/// <summary>Formats report rows as an aligned plain-text table.</summary>
public static class KernelReportTable
{
    private static readonly string[] Headers = ["Kernel", "Regs", "Spill st/ld B", "Stack B", "Smem B", "Verdict"];

    /// <summary>One header line, a rule, and one line per row.</summary>
    public static string Format(IReadOnlyList<KernelReportRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cells = rows.Select(Cells).ToList();
        var widths = Headers.Select((h, c) => cells.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();

        var sb = new StringBuilder();
        AppendLine(sb, Headers, widths);
        AppendLine(sb, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var r in cells)
            AppendLine(sb, r, widths);
        return sb.ToString();
    }

    private static string[] Cells(KernelReportRow row)
    {
        var p = row.Ptxas;
        string Num(int? v) => p is null || v is null ? "-" : v.Value.ToString(CultureInfo.InvariantCulture);
        string spills = p is null
            ? "-"
            : string.Create(CultureInfo.InvariantCulture, $"{p.SpillStoreBytes}/{p.SpillLoadBytes}");
        return [row.Kernel, Num(p?.Registers), spills, Num(p?.StackFrameBytes), Num(p?.SharedMemoryBytes), row.Verdict];
    }

    private static void AppendLine(StringBuilder sb, string[] cells, int[] widths)
    {
        // Numbers right-aligned, text left-aligned; the last column is not padded.
        for (int c = 0; c < cells.Length; c++)
        {
            bool last = c == cells.Length - 1;
            bool numeric = c is > 0 and < 5;
            string cell = last ? cells[c] : numeric ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]);
            sb.Append(cell);
            if (!last)
                sb.Append("  ");
        }
        sb.AppendLine();
    }
}
