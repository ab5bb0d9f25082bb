namespace GpuLstm.Plotting;

/// <summary>
/// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF), the
/// checksum PNG chunks carry. System.IO.Hashing is not in the shared framework and this is
/// 20 lines, so we write it here instead of adding a package.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>Initial running value, for checksums computed in pieces.</summary>
    public const uint Start = 0xFFFFFFFFu;

    public static uint Update(uint running, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
            running = Table[(running ^ b) & 0xFF] ^ (running >> 8);
        return running;
    }

    public static uint Finish(uint running) => running ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
