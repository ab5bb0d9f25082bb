using System.Buffers.Binary;

namespace GpuLstm.IO;

/// <summary>
/// Loads a whole safetensors file into host memory. The header is validated against the file size
/// before any tensor is allocated, and nothing is returned until every tensor has been read.
/// </summary>
internal static class SafeTensorsReader
{
    /// <summary>The reference implementation's cap; a larger length means a corrupt or foreign file.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    // Tensors are converted in bounded chunks so F64 data never needs a byte[] as large as the tensor.
    private const int ChunkBytes = 1 << 20;

    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw SafeTensorsHeader.Error(path, $"file is {fileLength} bytes, shorter than the 8-byte header length prefix");

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, path, "header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw SafeTensorsHeader.Error(path, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit (file is {fileLength} bytes); not a safetensors file?");
        if ((long)headerLength > fileLength - 8)
            throw SafeTensorsHeader.Error(path, $"header length {headerLength} is larger than the {fileLength - 8} bytes after the length prefix");

        var json = new byte[headerLength];
        ReadExactly(stream, json, path, "header");
        long dataStart = 8 + (long)headerLength;
        var header = SafeTensorsHeader.Parse(json, fileLength - dataStart, path);

        var tensors = new List<NamedTensorData>(header.Entries.Count);
        var buffer = new byte[(int)Math.Min(ChunkBytes, header.Entries.Count == 0 ? 0 : header.Entries.Max(e => e.ByteLength))];
        foreach (var entry in header.Entries)
            tensors.Add(ReadTensor(stream, dataStart, entry, buffer, path));
        return new SafeTensorsContent(tensors, header.Metadata);
    }

    private static NamedTensorData ReadTensor(FileStream stream, long dataStart, SafeTensorsEntry entry, byte[] buffer, string path)
    {
        int size = SafeTensorsDType.ElementSize(entry.DType);
        var data = new float[entry.ByteLength / size];
        stream.Position = dataStart + entry.Begin;
        int perChunk = buffer.Length / size;
        for (int done = 0; done < data.Length; done += perChunk)
        {
            int count = Math.Min(perChunk, data.Length - done);
            var bytes = buffer.AsSpan(0, count * size);
            ReadExactly(stream, bytes, path, $"tensor '{entry.Name}'");
            SafeTensorsDType.Convert(entry.DType, bytes, data.AsSpan(done, count));
        }
        return new NamedTensorData(entry.Name, entry.Shape, data);
    }

    private static void ReadExactly(FileStream stream, Span<byte> into, string path, string what)
    {
        try
        {
            stream.ReadExactly(into);
        }
        catch (EndOfStreamException e)
        {
            // Only reachable if the file shrinks while we read it; sizes were checked up front.
            throw SafeTensorsHeader.Error(path, $"unexpected end of file while reading the {what}", e);
        }
    }
}
