using System.Globalization;
using System.Text;
using GpuLstm.Layers;

namespace GpuLstm.Models;

/// <summary>Renders Keras 3's model summary table (as printed in an 80-column terminal).</summary>
internal static class ModelSummary
{
    private static readonly int[] MinWidths = [31, 22, 13]; // inner text widths of the three columns

    public static string Render(string modelName, IReadOnlyList<Layer> layers)
    {
        var rows = layers.Select(l => new[]
        {
            $"{l.Name} ({l.KerasClassName})",
            l.OutputShape is null ? "?" : FormatShape(l.OutputShape),
            l.IsBuilt ? l.ParameterCount.ToString("N0", CultureInfo.InvariantCulture) : "0 (unbuilt)",
        }).ToList();
        var widths = MinWidths.Select((w, c) => Math.Max(w, rows.Select(r => r[c].Length).DefaultIfEmpty(0).Max())).ToArray();

        var sb = new StringBuilder();
        sb.Append($"Model: \"{modelName}\"\n");
        sb.Append(Rule('┏', '━', '┳', '┓', widths));
        sb.Append(Row('┃', widths, ["Layer (type)", "Output Shape", "Param #"]));
        sb.Append(Rule('┡', '━', '╇', '┩', widths));
        for (int i = 0; i < rows.Count; i++)
        {
            sb.Append(Row('│', widths, rows[i]));
            sb.Append(i < rows.Count - 1 ? Rule('├', '─', '┼', '┤', widths) : Rule('└', '─', '┴', '┘', widths));
        }
        long total = layers.Sum(l => l.ParameterCount);
        sb.Append($" Total params: {Count(total)}\n");
        sb.Append($" Trainable params: {Count(total)}\n");
        sb.Append($" Non-trainable params: {Count(0)}\n");
        return sb.ToString();
    }

    /// <summary>Keras prints shapes as tuples with None for the batch axis.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "(None, " + string.Join(", ", shape) + ")";

    private static string Count(long parameters) =>
        $"{parameters.ToString("N0", CultureInfo.InvariantCulture)} ({ReadableSize(parameters * sizeof(float))})";

    /// <summary>Keras's readable_memory_size: divide by 1024 until below it, two decimals.</summary>
    public static string ReadableSize(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        foreach (string unit in units)
        {
            if (bytes / 1024 < 1)
                return string.Create(CultureInfo.InvariantCulture, $"{bytes:F2} {unit}");
            bytes /= 1024;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{bytes:F2} PB");
    }

    private static string Rule(char left, char line, char join, char right, int[] widths) =>
        left + string.Join(join, widths.Select(w => new string(line, w + 2))) + right + "\n";

    private static string Row(char edge, int[] widths, string[] cells) =>
        edge + string.Join(edge, cells.Select((c, i) => " " + (i == 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i])) + " ")) + edge + "\n";
}
