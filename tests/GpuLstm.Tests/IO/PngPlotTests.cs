using GpuLstm.Codegen;
using GpuLstm.Plotting;
using GpuLstm.Datasets;
using GpuLstm.Samples;
using System.Text;
using GpuLstm.IO;

namespace GpuLstm.Tests.IO;

/// <summary>The PNG chart writer: file structure (checked by an independent decoder), pixels and layout rules.</summary>
public sealed class PngPlotTests
{
    private static PngPlot TwoPanelPlot(int width = 900, int height = 640)
    {
        var epochs = Enumerable.Range(1, 40).Select(i => (double)i).ToArray();
        var plot = new PngPlot(width, height);
        var top = plot.AddPanel("Training loss", xLabel: "epoch", yLabel: "MSE");
        top.AddLine("train", epochs, epochs.Select(e => Math.Exp(-e / 7)).ToArray(), PlotColor.Blue);
        top.AddLine("validation", epochs, epochs.Select(e => 1.2 * Math.Exp(-e / 9) + 0.05).ToArray(), PlotColor.Orange);
        var months = Enumerable.Range(600, 120).Select(i => (double)i).ToArray();
        var bottom = plot.AddPanel("Forecast vs actual (test)", "month", "ppm");
        bottom.AddLine("actual", months, months.Select(m => 380 + 0.15 * (m - 600) + 3 * Math.Sin(m * Math.PI / 6)).ToArray(), PlotColor.Black);
        bottom.AddLine("seasonal naive", months, months.Select(m => 378 + 0.15 * (m - 600) + 3 * Math.Sin(m * Math.PI / 6)).ToArray(),
            PlotColor.Green, dashed: true);
        return plot;
    }

    [Fact]
    public void WritesValidPngOfRequestedSize()
    {
        byte[] png = TwoPanelPlot(900, 640).ToPng();

        Assert.True(png.AsSpan(0, 8).SequenceEqual(PngTestDecoder.Signature));
        var image = PngTestDecoder.Decode(png); // also checks every chunk CRC and the filter bytes
        Assert.Equal(900, image.Width);
        Assert.Equal(640, image.Height);
        Assert.Equal(2, image.ColorType);
        Assert.Equal(["IHDR", "IDAT", "IEND"], image.ChunkTypes);
    }

    [Fact]
    public void EveryLineColorIsDrawnOnAMostlyWhiteImage()
    {
        var image = PngTestDecoder.Decode(TwoPanelPlot().ToPng());
        var counts = new Dictionary<(byte, byte, byte), int>();
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                counts[image.Rgb(x, y)] = counts.GetValueOrDefault(image.Rgb(x, y)) + 1;

        foreach (var color in new[] { PlotColor.Blue, PlotColor.Orange, PlotColor.Green })
            Assert.True(counts.GetValueOrDefault((color.R, color.G, color.B)) > 100, $"too few pixels of {color}");
        Assert.True(counts[(255, 255, 255)] > image.Width * image.Height / 2, "background should be mostly white");
    }

    [Fact]
    public void SaveWritesTheSameBytesAtomicallyAndOverwrites()
    {
        string dir = Path.Combine(Path.GetTempPath(), "gpulstm-png-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(dir, "sub", "plot.png");
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "sub")).FullName, "plot.png"), "old");
            var plot = TwoPanelPlot();
            plot.Save(path);

            Assert.Equal(plot.ToPng(), File.ReadAllBytes(path));
            Assert.Equal(["plot.png"], Directory.GetFiles(Path.Combine(dir, "sub")).Select(Path.GetFileName));
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void NaNBreaksTheLine()
    {
        var plot = new PngPlot(600, 300);
        var xs = Enumerable.Range(0, 11).Select(i => (double)i).ToArray();
        var ys = xs.Select(x => x == 5 ? double.NaN : 0.0).ToArray();
        plot.AddPanel("gap", "x", "y").SetXRange(0, 10).SetYRange(-1, 1).AddLine("", xs, ys, PlotColor.Red);

        var canvas = plot.Render(out var areas);
        var area = areas[0];
        int Column(double x) => area.Left + (int)(x / 10 * area.Width);
        bool RedInColumn(int col) => Enumerable.Range(area.Top, area.Height).Any(y => canvas[col, y] == PlotColor.Red);

        Assert.True(RedInColumn(Column(2.5)));
        Assert.True(RedInColumn(Column(7.5)));
        for (double x = 4.2; x <= 5.8; x += 0.1)
            Assert.False(RedInColumn(Column(x)), $"line drawn across the NaN at x = {x:F1}");
    }

    [Fact]
    public void IsolatedPointIsStillVisible()
    {
        var plot = new PngPlot(400, 300);
        plot.AddPanel("dot").SetXRange(0, 2).SetYRange(0, 2).AddLine("", [double.NaN, 1, double.NaN], [0, 1, 0], PlotColor.Purple);
        var canvas = plot.Render(out _);
        int purple = 0;
        for (int y = 0; y < canvas.Height; y++)
            for (int x = 0; x < canvas.Width; x++)
                purple += canvas[x, y] == PlotColor.Purple ? 1 : 0;
        Assert.InRange(purple, 4, 40);
    }

    [Fact]
    public void LinesAreClippedToTheirPanel()
    {
        var plot = new PngPlot(500, 400);
        plot.AddPanel("clipped").SetYRange(0, 1).AddLine("", [0, 1], [-50, 50], PlotColor.Cyan, width: 4);
        plot.AddPanel("below").AddLine("", [0, 1], [0, 1], PlotColor.Gray);
        var canvas = plot.Render(out var areas);
        for (int y = 0; y < canvas.Height; y++)
            for (int x = 0; x < canvas.Width; x++)
                if (canvas[x, y] == PlotColor.Cyan)
                    Assert.True(areas[0].Contains(x, y), $"cyan pixel at ({x}, {y}) outside the first plot area");
    }

    [Fact]
    public void EncoderRoundTripsArbitraryPixels()
    {
        var rng = new Random(7);
        foreach (int channels in new[] { 3, 4 })
        {
            int w = 37, h = 23;
            var pixels = new byte[w * h * channels];
            // Half noise, half smooth gradient, so that several row filters get chosen.
            for (int i = 0; i < pixels.Length; i++)
                pixels[i] = i < pixels.Length / 2 ? (byte)rng.Next(256) : (byte)(i / channels % w * 5);
            byte[] png = channels == 3 ? PngEncoder.EncodeRgb(w, h, pixels) : PngEncoder.EncodeRgba(w, h, pixels);

            var image = PngTestDecoder.Decode(png);
            Assert.Equal(channels == 3 ? 2 : 6, image.ColorType);
            Assert.Equal(pixels, image.Pixels);
        }
    }

    [Fact]
    public void Crc32MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        Assert.Equal(PngTestDecoder.BitwiseCrc32(data), Crc32.Compute(data));
    }

    [Fact]
    public void FontCoversPlotText()
    {
        Assert.Equal(BitmapFont.CharCount, BitmapFont.GlyphCount);
        foreach (char c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-+e:()/%, ")
            Assert.True(BitmapFont.Has(c), $"no glyph for '{c}'");
        Assert.Equal(BitmapFont.Glyph('?'), BitmapFont.Glyph('\u00e9')); // unknown characters fall back to '?'
        Assert.Equal(0b01110, BitmapFont.Row(BitmapFont.Glyph('0'), 0));
    }

    [Fact]
    public void LinearTicksAreNiceAndLabelledCleanly()
    {
        var ticks = AxisTicks.Linear(-0.05, 1.05, 5);
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], ticks.Select(t => t.Label));

        var around = AxisTicks.Linear(-3.3, 2.2, 6);
        Assert.Contains(around, t => t.Label == "0");
        Assert.DoesNotContain(around, t => t.Label.StartsWith("-0", StringComparison.Ordinal));

        Assert.Equal(["315", "320", "325"], AxisTicks.Linear(313.2, 327.9, 3).Select(t => t.Label));
        Assert.All(AxisTicks.Linear(0, 3e7, 4), t => Assert.Matches("^(0|[0-9.]+e\\+[0-9]+)$", t.Label));
    }

    [Fact]
    public void LogTicksUseDecades()
    {
        Assert.Equal(["0.0001", "0.001", "0.01", "0.1", "1"], AxisTicks.Log(5e-5, 2).Select(t => t.Label));
        Assert.Equal(["0.2", "0.5", "1", "2", "5"], AxisTicks.Log(0.15, 6).Select(t => t.Label)); // under two decades: 1-2-5
        Assert.Equal(["0.2", "0.4", "0.6", "0.8"], AxisTicks.Log(0.15, 0.9).Select(t => t.Label)); // too narrow: linear
    }

    [Fact]
    public void PaddedRangeHandlesDegenerateData()
    {
        Assert.Equal((0.0, 1.0), AxisTicks.PaddedRange([double.NaN], 0.05));
        var (lo, hi) = AxisTicks.PaddedRange([5, 5, double.NaN], 0.05);
        Assert.True(lo < 5 && hi > 5);
        Assert.Equal((-0.5, 10.5), AxisTicks.PaddedRange([0, 10, double.PositiveInfinity], 0.05));
    }

    [Fact]
    public void RejectsBadInput()
    {
        var plot = new PngPlot(300, 200);
        Assert.Throws<InvalidOperationException>(() => plot.ToPng());
        var panel = plot.AddPanel("p");
        Assert.Throws<ArgumentException>(() => panel.AddLine("bad", [1, 2, 3], [1, 2], PlotColor.Red));
        Assert.Throws<ArgumentException>(() => panel.SetYRange(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PngPlot(50, 200));
        plot.AddPanel("q");
        plot.AddPanel("r");
        plot.AddPanel("s");
        Assert.Throws<InvalidOperationException>(() => plot.ToPng()); // four panels in 200 px do not fit
    }

    [Fact]
    public void EmptyPanelAndLogAxisStillRender()
    {
        var plot = new PngPlot(400, 400);
        plot.AddPanel("empty", "x", "y");
        var log = plot.AddPanel("log", "epoch", "loss");
        log.LogY = true;
        log.AddLine("loss", [1, 2, 3, 4], [1, 0.1, 0, 0.001], PlotColor.Red); // the 0 cannot be drawn and breaks the line
        var image = PngTestDecoder.Decode(plot.ToPng());
        Assert.Equal(400, image.Height);
    }
}
