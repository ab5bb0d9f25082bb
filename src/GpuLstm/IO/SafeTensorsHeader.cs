using System.Text;
using System.Text.Json;
using GpuLstm.Memory;

namespace GpuLstm.IO;

/// <summary>Parses and validates a safetensors JSON header; every problem is an <see cref="InvalidDataException"/>.</summary>
internal sealed class SafeTensorsHeader
{
    public const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private SafeTensorsHeader(List<SafeTensorsEntry> entries, OrderedDictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>Tensor entries in header order.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    public OrderedDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Parses <paramref name="json"/> and checks each entry against <paramref name="dataLength"/>, the size of
    /// the data section, which tensors must tile exactly (no gaps, overlaps or trailing bytes), as the
    /// reference implementation requires.
    /// </summary>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string path)
    {
        // System.Text.Json only notices bad UTF-8 when a string is materialised, so check it up front.
        try
        {
            StrictUtf8.GetCharCount(json);
        }
        catch (DecoderFallbackException e)
        {
            throw Error(path, $"header is not valid UTF-8 (byte {e.Index} of the header)", e);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Error(path, $"header is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Error(path, $"header must be a JSON object, found {doc.RootElement.ValueKind}");
            var entries = new List<SafeTensorsEntry>();
            var metadata = new OrderedDictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == MetadataKey)
                {
                    if (sawMetadata)
                        throw Error(path, $"header has more than one '{MetadataKey}'");
                    sawMetadata = true;
                    ReadMetadata(prop.Value, metadata, path);
                    continue;
                }
                if (!seen.Add(prop.Name))
                    throw Error(path, $"tensor '{prop.Name}' appears more than once in the header");
                entries.Add(ReadEntry(prop.Name, prop.Value, path));
            }
            CheckLayout(entries, dataLength, path);
            return new SafeTensorsHeader(entries, metadata);
        }
    }

    internal static InvalidDataException Error(string path, string message, Exception? inner = null) =>
        new($"Safetensors file '{path}': {message}.", inner);

    private static void ReadMetadata(JsonElement value, OrderedDictionary<string, string> metadata, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return;
        if (value.ValueKind != JsonValueKind.Object)
            throw Error(path, $"'{MetadataKey}' must be an object of strings, found {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Error(path, $"'{MetadataKey}' entry '{item.Name}' must be a string, found {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw Error(path, $"'{MetadataKey}' entry '{item.Name}' appears more than once");
        }
    }

    private static SafeTensorsEntry ReadEntry(string name, JsonElement value, string path)
    {
        if (name.Length == 0)
            throw Error(path, "a tensor has an empty name");
        if (value.ValueKind != JsonValueKind.Object)
            throw Error(path, $"tensor '{name}': entry must be an object, found {value.ValueKind}");

        if (!value.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String)
            throw Error(path, $"tensor '{name}': missing or non-string 'dtype'");
        string dtype = dtypeEl.GetString()!;
        if (SafeTensorsDType.ElementSize(dtype) == 0)
            throw Error(path, $"tensor '{name}' has dtype '{dtype}', which cannot be loaded as float (supported: {SafeTensorsDType.Supported})");

        if (!value.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw Error(path, $"tensor '{name}': missing or non-array 'shape'");
        var shape = new int[shapeEl.GetArrayLength()];
        int k = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
                throw Error(path, $"tensor '{name}': shape entry {k} ({d.GetRawText()}) is not a non-negative 32-bit integer");
            shape[k++] = dim;
        }

        if (!value.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw Error(path, $"tensor '{name}': missing 'data_offsets' or it is not an array of two integers");
        long begin = ReadOffset(offEl[0], name, path);
        long end = ReadOffset(offEl[1], name, path);
        if (end < begin)
            throw Error(path, $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin");

        long elements = Elements(shape, name, path);
        long expected = elements * SafeTensorsDType.ElementSize(dtype);
        if (end - begin != expected)
            throw Error(path, $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes, but shape {ShapeUtil.Format(shape)} of {dtype} needs {expected}");
        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static long ReadOffset(JsonElement el, string name, string path)
    {
        if (el.ValueKind != JsonValueKind.Number || !el.TryGetInt64(out long v) || v < 0)
            throw Error(path, $"tensor '{name}': data offset {el.GetRawText()} is not a non-negative integer");
        return v;
    }

    private static long Elements(int[] shape, string name, string path)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
            // float[] caps what we can load; checking per factor also rules out overflow.
            if (n > Array.MaxLength)
                throw Error(path, $"tensor '{name}': shape {ShapeUtil.Format(shape)} has more elements than a float[] can hold");
        }
        return n;
    }

    private static void CheckLayout(List<SafeTensorsEntry> entries, long dataLength, string path)
    {
        long cursor = 0;
        SafeTensorsEntry? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < cursor)
                throw Error(path, $"tensor '{e.Name}' data [{e.Begin}, {e.End}) overlaps tensor '{previous!.Name}' [{previous.Begin}, {previous.End})");
            if (e.Begin > cursor)
                throw Error(path, $"tensor '{e.Name}' data starts at {e.Begin}, leaving a gap after byte {cursor} (tensors must be contiguous)");
            cursor = e.End;
            previous = e;
        }
        if (cursor > dataLength)
            throw Error(path, $"data section is truncated: tensor '{previous!.Name}' ends at byte {cursor} but the data section has {dataLength} bytes");
        if (cursor < dataLength)
            throw Error(path, $"data section has {dataLength - cursor} trailing bytes after the last tensor (ends at byte {cursor})");
    }
}
