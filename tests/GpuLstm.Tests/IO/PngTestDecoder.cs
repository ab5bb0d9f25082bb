using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GpuLstm.Tests.IO;

/// <summary>
/// A minimal PNG reader, written separately from the encoder under test: it checks every
/// chunk's CRC with its own bitwise CRC-32, then inflates IDAT and undoes all five row filters.
/// It only reads 8-bit, non-interlaced RGB/RGBA images.
/// </summary>
public static class PngTestDecoder
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static DecodedPng Decode(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(Signature), "missing PNG signature");
        int pos = 8, width = 0, height = 0, colorType = -1;
        var types = new List<string>();
        using var idat = new MemoryStream();
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            Assert.True(BitwiseCrc32(png.AsSpan(pos + 4, 4 + length)) == stored, $"bad CRC in chunk {type}");
            types.Add(type);
            if (type == "IHDR")
            {
                Assert.Equal(13, length);
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);             // bit depth
                colorType = data[9];
                Assert.Equal(0, data[10]);            // deflate
                Assert.Equal(0, data[11]);            // adaptive filtering
                Assert.Equal(0, data[12]);            // not interlaced
            }
            else if (type == "IDAT")
                idat.Write(data);
            pos += 12 + length;
        }
        Assert.Equal(png.Length, pos);
        Assert.Equal("IHDR", types[0]);
        Assert.Equal("IEND", types[^1]);
        int channels = colorType switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"color type {colorType}") };

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
            z.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int stride = width * channels;
        Assert.Equal(height * (stride + 1), raw.Length);

        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            Assert.InRange(filter, 0, 4);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? pixels[y * stride + i - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
                int c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
                int predictor = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => Paeth(a, b, c) };
                pixels[y * stride + i] = (byte)(raw[y * (stride + 1) + 1 + i] + predictor);
            }
        }
        return new DecodedPng(width, height, colorType, channels, pixels, types);
    }

    /// <summary>CRC-32 bit by bit, deliberately unlike the table-driven one in the library.</summary>
    public static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
