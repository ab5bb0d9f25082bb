namespace GpuLstm.Plotting;

/// <summary>An 8-bit RGB raster with the few drawing primitives a line chart needs.</summary>
internal sealed class RgbCanvas
{
    public RgbCanvas(int width, int height, PlotColor background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        FillRect(new PixelRect(0, 0, width, height), background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row-major RGB, top row first, as <see cref="PngEncoder.EncodeRgb"/> takes it.</summary>
    public byte[] Pixels { get; }

    public PlotColor this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return new PlotColor(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }

    /// <summary>Mixes <paramref name="color"/> into the pixel with weight <paramref name="alpha"/> in [0, 1]; off-canvas pixels are ignored.</summary>
    public void Blend(int x, int y, PlotColor color, double alpha)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || alpha <= 0)
            return;
        int i = (y * Width + x) * 3;
        if (alpha >= 1)
        {
            Pixels[i] = color.R;
            Pixels[i + 1] = color.G;
            Pixels[i + 2] = color.B;
            return;
        }
        Pixels[i] = Mix(Pixels[i], color.R, alpha);
        Pixels[i + 1] = Mix(Pixels[i + 1], color.G, alpha);
        Pixels[i + 2] = Mix(Pixels[i + 2], color.B, alpha);
    }

    public void FillRect(PixelRect rect, PlotColor color, double alpha = 1)
    {
        var r = rect.Intersect(new PixelRect(0, 0, Width, Height));
        for (int y = r.Top; y < r.Bottom; y++)
            for (int x = r.Left; x < r.Right; x++)
                Blend(x, y, color, alpha);
    }

    /// <summary>A one-pixel outline drawn just inside <paramref name="rect"/>.</summary>
    public void StrokeRect(PixelRect rect, PlotColor color)
    {
        FillRect(new PixelRect(rect.Left, rect.Top, rect.Width, 1), color);
        FillRect(new PixelRect(rect.Left, rect.Bottom - 1, rect.Width, 1), color);
        FillRect(new PixelRect(rect.Left, rect.Top, 1, rect.Height), color);
        FillRect(new PixelRect(rect.Right - 1, rect.Top, 1, rect.Height), color);
    }

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (x, y), each font pixel a
    /// scale x scale square. With <paramref name="upward"/> the text is turned 90 degrees
    /// counter-clockwise and reads bottom to top from (x, y), which is its bottom-left corner.
    /// </summary>
    public void DrawText(string text, int x, int y, int scale, PlotColor color, bool upward = false)
    {
        for (int i = 0; i < text.Length; i++)
        {
            ulong glyph = BitmapFont.Glyph(text[i]);
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
            {
                int bits = BitmapFont.Row(glyph, row);
                for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                {
                    if ((bits & (0x10 >> col)) == 0)
                        continue;
                    int along = (i * BitmapFont.Advance + col) * scale, across = row * scale;
                    var cell = upward
                        ? new PixelRect(x + across, y - along - scale, scale, scale)
                        : new PixelRect(x + along, y + across, scale, scale);
                    FillRect(cell, color);
                }
            }
        }
    }

    /// <summary>Blends a coverage mask (values in [0, 1], laid out over <paramref name="area"/>) in one color.</summary>
    public void Composite(PixelRect area, float[] coverage, PlotColor color)
    {
        for (int y = 0; y < area.Height; y++)
            for (int x = 0; x < area.Width; x++)
            {
                float a = coverage[y * area.Width + x];
                if (a > 0)
                    Blend(area.Left + x, area.Top + y, color, a);
            }
    }

    private static byte Mix(byte under, byte over, double alpha) =>
        (byte)Math.Round(under + (over - under) * alpha);
}
