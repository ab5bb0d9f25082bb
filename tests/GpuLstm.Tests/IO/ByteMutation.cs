namespace GpuLstm.Tests.IO;

/// <summary>Seeded byte-level mutations shared by the file fuzz tests.</summary>
internal static class ByteMutation
{
    /// <summary>A truncation, 1-3 flipped bits, or one byte replaced.</summary>
    public static byte[] Apply(byte[] original, Random rng)
    {
        var bytes = (byte[])original.Clone();
        switch (rng.Next(3))
        {
            case 0:
                return bytes[..rng.Next(bytes.Length)];
            case 1:
                for (int k = rng.Next(1, 4); k > 0; k--)
                    bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                return bytes;
            default:
                bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                return bytes;
        }
    }
}
