namespace GpuLstm.Plotting;

/// <summary>Lays out and draws one <see cref="PlotPanel"/>: frame, grid, ticks, labels, lines and legend.</summary>
internal static class PanelRenderer
{
    private static readonly PlotColor Ink = new(0x20, 0x20, 0x20);
    private static readonly PlotColor AxisInk = new(0x40, 0x40, 0x40);
    private static readonly PlotColor GridInk = new(0xe6, 0xe6, 0xe6);
    private static readonly PlotColor LegendBorder = new(0xb4, 0xb4, 0xb4);
    private const int TickLength = 5, Gap = 10, SwatchLength = 30;

    /// <summary>Draws <paramref name="panel"/> into <paramref name="bounds"/>. Body text is drawn at <paramref name="scale"/> and the title one step larger.</summary>
    /// <returns>The plot area (inside the frame), for tests and callers that annotate.</returns>
    public static PixelRect Render(RgbCanvas canvas, PlotPanel panel, PixelRect bounds, int scale)
    {
        canvas.FillRect(bounds, PlotColor.White);
        int charHeight = BitmapFont.GlyphHeight * scale, titleScale = scale + 1;
        int top = Gap + (panel.Title.Length > 0 ? BitmapFont.GlyphHeight * titleScale + Gap : 0);
        int bottom = TickLength + 5 + charHeight + (panel.XLabel.Length > 0 ? Gap + charHeight : 0) + Gap;
        int plotHeight = bounds.Height - top - bottom;

        var (yMin, yMax) = YRange(panel);
        var yTicks = panel.LogY
            ? AxisTicks.Log(yMin, yMax)
            : AxisTicks.Linear(yMin, yMax, Math.Clamp(plotHeight / 45, 3, 10));
        int yTickWidth = yTicks.Max(t => BitmapFont.Measure(t.Label, scale));
        int left = Gap + (panel.YLabel.Length > 0 ? charHeight + Gap : 0) + yTickWidth + 5 + TickLength;
        var plot = new PixelRect(bounds.Left + left, bounds.Top + top, bounds.Width - left - 3 * Gap, plotHeight);
        if (plot.Width < 20 || plot.Height < 20)
            throw new InvalidOperationException(
                $"Panel '{panel.Title}' is {bounds.Width}x{bounds.Height} pixels, too small for its axes and labels; " +
                "make the image larger or use fewer panels.");

        var (xMin, xMax) = XRange(panel);
        var xTicks = XTicks(xMin, xMax, plot.Width, scale);
        double Px(double x) => plot.Left + (x - xMin) / (xMax - xMin) * plot.Width;
        double Ty(double y) => panel.LogY ? (y > 0 ? Math.Log10(y) : double.NaN) : y;
        double Py(double y) => plot.Bottom - (Ty(y) - Ty(yMin)) / (Ty(yMax) - Ty(yMin)) * plot.Height;
        int Column(double x) => Math.Clamp((int)Math.Floor(Px(x)), plot.Left, plot.Right - 1);
        int Row(double y) => Math.Clamp((int)Math.Floor(Py(y)), plot.Top, plot.Bottom - 1);

        foreach (var t in yTicks)
            canvas.FillRect(new PixelRect(plot.Left, Row(t.Value), plot.Width, 1), GridInk);
        foreach (var t in xTicks)
            canvas.FillRect(new PixelRect(Column(t.Value), plot.Top, 1, plot.Height), GridInk);

        // Lines are clipped to the plot area. "occupied" remembers where ink went, for placing the legend.
        var coverage = new float[plot.Width * plot.Height];
        var occupied = new float[coverage.Length];
        foreach (var line in panel.Lines)
        {
            Array.Clear(coverage);
            var xs = Array.ConvertAll(line.Xs, Px);
            var ys = Array.ConvertAll(line.Ys, Py);
            LineRasterizer.Stroke(coverage, plot, xs, ys, line.Width, line.Dashed);
            canvas.Composite(plot, coverage, line.Color);
            for (int i = 0; i < coverage.Length; i++)
                occupied[i] = Math.Max(occupied[i], coverage[i]);
        }

        canvas.StrokeRect(new PixelRect(plot.Left - 1, plot.Top - 1, plot.Width + 2, plot.Height + 2), AxisInk);
        int labelTop = plot.Bottom + 1 + TickLength + 4;
        foreach (var t in xTicks)
        {
            int col = Column(t.Value);
            canvas.FillRect(new PixelRect(col, plot.Bottom + 1, 1, TickLength), AxisInk);
            canvas.DrawText(t.Label, col - BitmapFont.Measure(t.Label, scale) / 2, labelTop, scale, AxisInk);
        }
        foreach (var t in yTicks)
        {
            int row = Row(t.Value);
            canvas.FillRect(new PixelRect(plot.Left - 1 - TickLength, row, TickLength, 1), AxisInk);
            int width = BitmapFont.Measure(t.Label, scale);
            canvas.DrawText(t.Label, plot.Left - 1 - TickLength - 4 - width, row - charHeight / 2, scale, AxisInk);
        }

        if (panel.Title.Length > 0)
        {
            string title = Fit(panel.Title, bounds.Width - 2 * Gap, titleScale);
            canvas.DrawText(title, Centered(plot, BitmapFont.Measure(title, titleScale), bounds),
                bounds.Top + Gap, titleScale, Ink);
        }
        if (panel.XLabel.Length > 0)
        {
            string label = Fit(panel.XLabel, bounds.Width - 2 * Gap, scale);
            canvas.DrawText(label, Centered(plot, BitmapFont.Measure(label, scale), bounds),
                labelTop + charHeight + Gap, scale, Ink);
        }
        if (panel.YLabel.Length > 0)
        {
            string label = Fit(panel.YLabel, plot.Height, scale);
            int baseline = plot.Top + (plot.Height + BitmapFont.Measure(label, scale)) / 2;
            canvas.DrawText(label, bounds.Left + Gap, baseline, scale, Ink, upward: true);
        }

        DrawLegend(canvas, panel, plot, occupied, scale);
        return plot;
    }

    private static void DrawLegend(RgbCanvas canvas, PlotPanel panel, PixelRect plot, float[] occupied, int scale)
    {
        var entries = panel.Lines.Where(l => l.Name.Length > 0).ToList();
        if (entries.Count == 0)
            return;
        int rowHeight = BitmapFont.GlyphHeight * scale + 8;
        int width = 8 + SwatchLength + 8 + entries.Max(e => BitmapFont.Measure(e.Name, scale)) + 10;
        int height = 6 + entries.Count * rowHeight;
        if (width > plot.Width - 16 || height > plot.Height - 16)
            return; // a legend bigger than the plot would hide it

        // Corners in order of preference; take the one covering the least ink.
        int inset = 8;
        PixelRect[] corners =
        [
            new(plot.Right - inset - width, plot.Top + inset, width, height),
            new(plot.Left + inset, plot.Top + inset, width, height),
            new(plot.Right - inset - width, plot.Bottom - inset - height, width, height),
            new(plot.Left + inset, plot.Bottom - inset - height, width, height),
        ];
        var box = corners.MinBy(r => InkUnder(occupied, plot, r));
        canvas.FillRect(box, PlotColor.White, 0.88);
        canvas.StrokeRect(box, LegendBorder);

        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            int rowTop = box.Top + 6 + i * rowHeight, middle = rowTop + BitmapFont.GlyphHeight * scale / 2;
            var swatch = new PixelRect(box.Left + 8, middle - 4, SwatchLength, 9);
            var mask = new float[swatch.Width * swatch.Height];
            LineRasterizer.Stroke(mask, swatch, [swatch.Left + 1.0, swatch.Right - 1.0], [middle + 0.5, middle + 0.5],
                Math.Clamp(e.Width, 2, 5), e.Dashed);
            canvas.Composite(swatch, mask, e.Color);
            canvas.DrawText(e.Name, swatch.Right + 8, rowTop, scale, Ink);
        }
    }

    private static double InkUnder(float[] occupied, PixelRect plot, PixelRect r)
    {
        double sum = 0;
        for (int y = r.Top; y < r.Bottom; y++)
            for (int x = r.Left; x < r.Right; x++)
                sum += occupied[(y - plot.Top) * plot.Width + (x - plot.Left)];
        return sum;
    }

    /// <summary>X ticks, thinned until their labels no longer overlap.</summary>
    private static AxisTick[] XTicks(double min, double max, int plotWidth, int scale)
    {
        for (int target = Math.Clamp(plotWidth / 110, 3, 12); ; target--)
        {
            var ticks = AxisTicks.Linear(min, max, target);
            int widest = ticks.Max(t => BitmapFont.Measure(t.Label, scale)) + 12;
            if (target <= 2 || widest * ticks.Length <= plotWidth)
                return ticks;
        }
    }

    /// <summary>The text, cut short and ended with ".." when it is wider than <paramref name="maxWidth"/>.</summary>
    private static string Fit(string text, int maxWidth, int scale)
    {
        if (BitmapFont.Measure(text, scale) <= maxWidth)
            return text;
        int chars = Math.Max(0, (maxWidth / scale + 1) / BitmapFont.Advance - 2);
        return text[..Math.Min(chars, text.Length)] + "..";
    }

    private static int Centered(PixelRect plot, int textWidth, PixelRect bounds) =>
        Math.Max(bounds.Left + Gap, plot.Left + (plot.Width - textWidth) / 2);

    private static (double Min, double Max) XRange(PlotPanel panel) =>
        panel.XRange ?? AxisTicks.PaddedRange(panel.Lines.SelectMany(FiniteXs), 0.02);

    private static (double Min, double Max) YRange(PlotPanel panel)
    {
        if (panel.YRange is { } fixedRange)
        {
            if (panel.LogY && fixedRange.Min <= 0)
                throw new InvalidOperationException($"Panel '{panel.Title}': a log y axis needs a positive range, got [{fixedRange.Min}, {fixedRange.Max}].");
            return fixedRange;
        }
        // Only points that are drawn count: both coordinates finite, and y > 0 on a log axis.
        var ys = panel.Lines.SelectMany(l => l.Ys.Where((y, i) => double.IsFinite(l.Xs[i])));
        if (!panel.LogY)
            return AxisTicks.PaddedRange(ys, 0.05);
        var (lo, hi) = AxisTicks.PaddedRange(ys.Where(y => y > 0).Select(Math.Log10), 0.05);
        return (Math.Pow(10, lo), Math.Pow(10, hi));
    }

    private static IEnumerable<double> FiniteXs(PlotLine line) =>
        line.Xs.Where((x, i) => double.IsFinite(line.Ys[i]));
}
