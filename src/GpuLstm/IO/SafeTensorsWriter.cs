using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using GpuLstm.Memory;

namespace GpuLstm.IO;

/// <summary>
/// Writes F32 safetensors files laid out as the reference implementation does: compact JSON header
/// padded with spaces to a multiple of 8 bytes, then the tensors back to back in header order.
/// </summary>
internal static class SafeTensorsWriter
{
    private const int ChunkFloats = 1 << 18;

    public static void Write(string path, IEnumerable<NamedTensorData> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        // Everything is validated before the temp file exists, so bad input never touches the disk.
        var list = tensors.ToList();
        Validate(list, metadata);
        byte[] header = BuildHeader(list, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            var chunk = new byte[4 * ChunkFloats];
            foreach (var t in list)
            {
                for (int done = 0; done < t.Data.Length; done += ChunkFloats)
                {
                    int count = Math.Min(ChunkFloats, t.Data.Length - done);
                    SafeTensorsDType.WriteF32(t.Data.AsSpan(done, count), chunk);
                    stream.Write(chunk, 0, 4 * count);
                }
            }
        });
    }

    private static void Validate(List<NamedTensorData> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i] ?? throw new ArgumentException($"Tensor {i} is null.", nameof(tensors));
            if (string.IsNullOrEmpty(t.Name))
                throw new ArgumentException($"Tensor {i} has an empty name.", nameof(tensors));
            if (t.Name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"Tensor {i} may not be called '{SafeTensorsHeader.MetadataKey}'.", nameof(tensors));
            if (!names.Add(t.Name))
                throw new ArgumentException($"Tensor name '{t.Name}' appears more than once.", nameof(tensors));
            if (t.Shape is null || t.Data is null)
                throw new ArgumentException($"Tensor '{t.Name}' has a null shape or data.", nameof(tensors));
            if (t.Shape.Any(d => d < 0))
                throw new ArgumentException($"Tensor '{t.Name}' has a negative dimension in shape {ShapeUtil.Format(t.Shape)}.", nameof(tensors));
            // Capped just above any array length, so absurd shapes cannot overflow the product.
            long elements = 1;
            foreach (int d in t.Shape)
                elements = Math.Min(elements * d, (long)int.MaxValue + 1);
            if (elements != t.Data.Length)
                throw new ArgumentException($"Tensor '{t.Name}' has shape {ShapeUtil.Format(t.Shape)} ({elements} elements) but {t.Data.Length} data values.", nameof(tensors));
        }
        if (metadata is null)
            return;
        foreach (var (key, value) in metadata)
        {
            if (key is null || value is null)
                throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
        }
    }

    private static byte[] BuildHeader(List<NamedTensorData> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var json = new MemoryStream();
        // Relaxed escaping keeps names and metadata readable (UTF-8, no \u002B for '+'), as serde_json writes them.
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata)
                    w.WriteString(key, value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                long bytes = 4L * t.Data.Length;
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", SafeTensorsDType.F32);
                w.WriteStartArray("shape");
                foreach (int d in t.Shape)
                    w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        int padded = (int)((json.Length + 7) / 8 * 8);
        while (json.Length < padded)
            json.WriteByte((byte)' ');
        return json.ToArray();
    }
}
