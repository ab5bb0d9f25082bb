namespace GpuLstm.Plotting;

/// <summary>
/// A line-chart image written as PNG with no dependencies: panels stacked top to bottom, each
/// with axes, ticks, a title and a legend.
/// <code>
/// var plot = new PngPlot(1000, 700);
/// plot.AddPanel("Training loss", "epoch", "MSE").AddLine("train", epochs, loss, PlotColor.Blue);
/// plot.Save("loss.png");
/// </code>
/// </summary>
public sealed class PngPlot
{
    private const int MaxSide = 16384;
    private readonly List<PlotPanel> _panels = [];
    private int _textScale;

    public PngPlot(int width = 1000, int height = 700)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public IReadOnlyList<PlotPanel> Panels => _panels;

    /// <summary>
    /// Size of a font pixel in image pixels for labels; titles are one step larger. 0 (the
    /// default) picks 2 for images at least 560 pixels wide and 1 otherwise.
    /// </summary>
    public int TextScale
    {
        get => _textScale;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 8);
            _textScale = value;
        }
    }

    /// <summary>Adds a panel below the existing ones. All panels get the same height.</summary>
    public PlotPanel AddPanel(string title, string xLabel = "", string yLabel = "")
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        var panel = new PlotPanel(title, xLabel, yLabel);
        _panels.Add(panel);
        return panel;
    }

    /// <summary>The encoded PNG file (8-bit RGB).</summary>
    public byte[] ToPng()
    {
        var canvas = Render(out _);
        return PngEncoder.EncodeRgb(canvas.Width, canvas.Height, canvas.Pixels);
    }

    /// <summary>
    /// Writes the PNG to <paramref name="path"/>, creating its directory if needed. The file is
    /// first written under a temporary name beside the target, then renamed over it, so a reader
    /// never sees half a file.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] png = ToPng();
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, png);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Draws every panel. <paramref name="plotAreas"/> gets each panel's plot area (inside its frame).</summary>
    internal RgbCanvas Render(out PixelRect[] plotAreas)
    {
        if (_panels.Count == 0)
            throw new InvalidOperationException("The plot has no panels; call AddPanel first.");
        var canvas = new RgbCanvas(Width, Height, PlotColor.White);
        int scale = _textScale > 0 ? _textScale : Width >= 560 ? 2 : 1;
        plotAreas = new PixelRect[_panels.Count];
        for (int i = 0; i < _panels.Count; i++)
        {
            // Integer bounds that tile the height exactly, with any remainder spread over the panels.
            int top = Height * i / _panels.Count, bottom = Height * (i + 1) / _panels.Count;
            plotAreas[i] = PanelRenderer.Render(canvas, _panels[i], new PixelRect(0, top, Width, bottom - top), scale);
        }
        return canvas;
    }
}
