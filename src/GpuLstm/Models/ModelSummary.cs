using System.Globalization;
using System.Text;
using GpuLstm.Layers;

namespace GpuLstm.Models;

/// <summary>
/// Renders Keras 3's model summary table as its rich console prints it in an 80-column terminal: fixed
/// column widths (76-character lines), text wrapped at spaces, a word too long for its column cut with "…".
/// </summary>
internal static class ModelSummary
{
    /// <summary>Inner column widths rich gives Keras's positions on a 76-character line.</summary>
    private static readonly int[] SequentialWidths = [31, 22, 13];
    private static readonly int[] FunctionalWidths = [19, 17, 10, 17];

    private static readonly string[] SequentialHeader = ["Layer (type)", "Output Shape", "Param #"];
    private static readonly string[] FunctionalHeader = ["Layer (type)", "Output Shape", "Param #", "Connected to"];

    public static string Render(string modelName, IReadOnlyList<Layer> layers) =>
        Render(modelName, layers.Select(l => new[] { NameCell(l.Name!, l.KerasClassName), ShapeCell(l.OutputShape), ParamCell(l) }).ToList(),
            connected: false, layers.Sum(l => l.ParameterCount));

    /// <param name="rows">One row per layer: name (type), output shape, param count (and "connected to").</param>
    public static string Render(string modelName, IReadOnlyList<string[]> rows, bool connected, long totalParameters)
    {
        var widths = connected ? FunctionalWidths : SequentialWidths;
        var sb = new StringBuilder();
        sb.Append($"Model: \"{modelName}\"\n");
        sb.Append(Rule('┏', '━', '┳', '┓', widths));
        sb.Append(Row('┃', widths, connected ? FunctionalHeader : SequentialHeader));
        sb.Append(Rule('┡', '━', '╇', '┩', widths));
        for (int i = 0; i < rows.Count; i++)
        {
            sb.Append(Row('│', widths, rows[i]));
            sb.Append(i < rows.Count - 1 ? Rule('├', '─', '┼', '┤', widths) : Rule('└', '─', '┴', '┘', widths));
        }
        sb.Append($" Total params: {Count(totalParameters)}\n");
        sb.Append($" Trainable params: {Count(totalParameters)}\n");
        sb.Append($" Non-trainable params: {Count(0)}\n");
        return sb.ToString();
    }

    public static string NameCell(string name, string className) => $"{name} ({className})";

    public static string ShapeCell(IReadOnlyList<int>? shape) => shape is null ? "?" : FormatShape(shape);

    public static string ParamCell(Layer layer) =>
        layer.IsBuilt ? layer.ParameterCount.ToString("N0", CultureInfo.InvariantCulture) : "0 (unbuilt)";

    /// <summary>Keras prints shapes as tuples with None for the batch axis (and for any-length axes).</summary>
    public static string FormatShape(IReadOnlyList<int> shape) =>
        "(None, " + string.Join(", ", shape.Select(d => d < 0 ? "None" : d.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string Count(long parameters) =>
        $"{parameters.ToString("N0", CultureInfo.InvariantCulture)} ({Memory.ShapeUtil.ReadableBytes(parameters * (double)sizeof(float))})";

    private static string Rule(char left, char line, char join, char right, int[] widths) =>
        left + string.Join(join, widths.Select(w => new string(line, w + 2))) + right + "\n";

    /// <summary>One table row, as many lines as its tallest wrapped cell; the Param # column is right-aligned.</summary>
    private static string Row(char edge, int[] widths, string[] cells)
    {
        var wrapped = cells.Select((c, i) => Wrap(c, widths[i])).ToArray();
        int height = wrapped.Max(w => w.Count);
        var sb = new StringBuilder();
        for (int line = 0; line < height; line++)
        {
            sb.Append(edge);
            for (int i = 0; i < cells.Length; i++)
            {
                string text = line < wrapped[i].Count ? wrapped[i][line] : "";
                sb.Append(' ').Append(i == 2 ? text.PadLeft(widths[i]) : text.PadRight(widths[i])).Append(' ').Append(edge);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>rich's word wrap: greedy at spaces; a word longer than the width gets a line of its own, cut with "…".</summary>
    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length <= width)
            {
                current.Append(' ').Append(word);
                continue;
            }
            if (current.Length > 0)
                lines.Add(current.ToString());
            current.Clear();
            if (word.Length > width)
                lines.Add(word[..(width - 1)] + "…");
            else
                current.Append(word);
        }
        if (current.Length > 0 || lines.Count == 0)
            lines.Add(current.ToString());
        return lines;
    }
}
