using SkiaSharp;

namespace GpuLstm.Tests.Plotting;

/// <summary>A chart PNG decoded by SkiaSharp's own codec, with the pixel questions the tests ask.</summary>
public sealed class ChartImage
{
    private readonly SKColor[] pixels;

    private ChartImage(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        Width = bitmap.Width;
        Height = bitmap.Height;
        Format = format;
        pixels = bitmap.Pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public SKEncodedImageFormat Format { get; }

    public static ChartImage Decode(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new Xunit.Sdk.XunitException("not an image SkiaSharp can decode");
        using var bitmap = SKBitmap.Decode(codec) ?? throw new Xunit.Sdk.XunitException("the image did not decode");
        return new ChartImage(bitmap, codec.EncodedFormat);
    }

    public static ChartImage Load(string path) => Decode(File.ReadAllBytes(path));

    public SKColor this[int x, int y] => pixels[y * Width + x];

    /// <summary>Pixels inside the rectangle within <paramref name="tolerance"/> of the colour in every channel (anti-aliasing blends edges).</summary>
    public int Count(ScottPlot.Color color, int left = 0, int top = 0, int right = int.MaxValue, int bottom = int.MaxValue, int tolerance = 12) =>
        Count(p => Math.Abs(p.Red - color.R) <= tolerance && Math.Abs(p.Green - color.G) <= tolerance && Math.Abs(p.Blue - color.B) <= tolerance,
            left, top, right, bottom);

    /// <summary>Dark pixels, as text is drawn, inside the rectangle.</summary>
    public int CountDark(int left, int top, int right, int bottom) =>
        Count(p => p.Red < 110 && p.Green < 110 && p.Blue < 110, left, top, right, bottom);

    private int Count(Func<SKColor, bool> match, int left, int top, int right, int bottom)
    {
        int n = 0;
        for (int y = Math.Max(0, top); y < Math.Min(Height, bottom); y++)
            for (int x = Math.Max(0, left); x < Math.Min(Width, right); x++)
                n += match(this[x, y]) ? 1 : 0;
        return n;
    }
}
