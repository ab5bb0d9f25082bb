using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GpuLstm.Plotting;

/// <summary>
/// A minimal PNG writer for 8-bit truecolor images (RGB or RGBA, not interlaced). It writes the
/// signature, IHDR, one IDAT (zlib) and IEND, and each chunk carries its CRC-32.
/// </summary>
public static class PngEncoder
{
    /// <summary>The 8 bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes row-major RGB pixels (3 bytes per pixel, top row first).</summary>
    public static byte[] EncodeRgb(int width, int height, ReadOnlySpan<byte> rgb) => Encode(width, height, rgb, 3);

    /// <summary>Encodes row-major RGBA pixels (4 bytes per pixel, not premultiplied, top row first).</summary>
    public static byte[] EncodeRgba(int width, int height, ReadOnlySpan<byte> rgba) => Encode(width, height, rgba, 4);

    private static byte[] Encode(int width, int height, ReadOnlySpan<byte> pixels, int bytesPerPixel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        long expected = (long)width * height * bytesPerPixel;
        if (pixels.Length != expected)
            throw new ArgumentException($"{width}x{height} pixels need {expected} bytes, got {pixels.Length}.", nameof(pixels));

        using var png = new MemoryStream();
        png.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;                                  // bit depth
        header[9] = (byte)(bytesPerPixel == 4 ? 6 : 2); // color type: 6 = RGBA, 2 = RGB
        header[10] = 0;                                 // compression: deflate
        header[11] = 0;                                 // filter method: adaptive
        header[12] = 0;                                 // no interlace
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", Compress(width, height, pixels, bytesPerPixel));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Compress(int width, int height, ReadOnlySpan<byte> pixels, int bpp)
    {
        int stride = width * bpp;
        var candidates = new byte[5][];
        for (int f = 0; f < 5; f++)
            candidates[f] = new byte[stride];

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                var above = y > 0 ? pixels.Slice((y - 1) * stride, stride) : ReadOnlySpan<byte>.Empty;
                int best = FilterRow(row, above, bpp, candidates);
                zlib.WriteByte((byte)best);
                zlib.Write(candidates[best]);
            }
        }
        return compressed.ToArray();
    }

    /// <summary>
    /// Fills all five filtered versions of the row and returns the one with the smallest sum of
    /// |signed bytes|. This is the heuristic the PNG spec suggests, and it roughly halves the file
    /// size of plots compared with no filtering.
    /// </summary>
    private static int FilterRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, int bpp, byte[][] outRows)
    {
        int best = 0;
        long bestScore = long.MaxValue;
        for (int f = 0; f < 5; f++)
        {
            var dst = outRows[f];
            long score = 0;
            for (int i = 0; i < row.Length; i++)
            {
                int a = i >= bpp ? row[i - bpp] : 0;
                int b = above.IsEmpty ? 0 : above[i];
                int c = i >= bpp && !above.IsEmpty ? above[i - bpp] : 0;
                int predicted = f switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) >> 1,
                    _ => Paeth(a, b, c),
                };
                byte v = (byte)(row[i] - predicted);
                dst[i] = v;
                int signed = (sbyte)v; // widened first: Math.Abs((sbyte)-128) would throw
                score += signed < 0 ? -signed : signed;
            }
            if (score < bestScore)
            {
                bestScore = score;
                best = f;
            }
        }
        return best;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        png.Write(typeBytes);
        png.Write(data);
        // The CRC covers the chunk type and data, not the length.
        uint crc = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, typeBytes), data));
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        png.Write(word);
    }
}
