namespace GpuLstm.Tests.IO;

/// <summary>A decoded 8-bit RGB or RGBA image: row-major pixels, top row first.</summary>
public sealed record DecodedPng(int Width, int Height, int ColorType, int Channels, byte[] Pixels, IReadOnlyList<string> ChunkTypes)
{
    public (byte R, byte G, byte B) Rgb(int x, int y)
    {
        int i = (y * Width + x) * Channels;
        return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }
}
