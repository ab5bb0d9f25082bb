using System.Globalization;
using System.Text.Json;

namespace GpuLstm.Models;

/// <summary>
/// One value of a saved model's architecture record (the JSON under gpulstm.model) with its path in
/// the record (layers[1].config.units): every read checks the JSON type and range and throws an
/// InvalidDataException naming the file and that path, so a corrupt record never surfaces as a
/// KeyNotFound, Format or InvalidOperation exception from System.Text.Json.
/// </summary>
internal readonly struct RecordNode
{
    /// <summary>Largest units, dimension or vocabulary a record may give: far above real models, low enough that shapes stay in int.</summary>
    public const int MaxSize = 1 << 24;

    private readonly JsonElement _value;

    public RecordNode(JsonElement value, string file, string path)
    {
        _value = value;
        File = file;
        Path = path;
    }

    public string File { get; }
    public string Path { get; }
    public JsonValueKind Kind => _value.ValueKind;

    public InvalidDataException Error(string what) =>
        new($"Load: {File}, architecture record (gpulstm.model): {(Path.Length == 0 ? "the record" : Path)} {what}");

    /// <summary>The value at key of this object; absent or null is an error.</summary>
    public RecordNode this[string key] => Optional(key) ?? throw Child(key).Error("is missing.");

    /// <summary>The value at key, or null when the key is absent or null.</summary>
    public RecordNode? Optional(string key)
    {
        RequireObject();
        return _value.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? Child(key, v) : null;
    }

    public bool Has(string key)
    {
        RequireObject();
        return _value.TryGetProperty(key, out _);
    }

    public string String()
    {
        if (_value.ValueKind != JsonValueKind.String)
            throw Error($"is {Describe()}, expected a string.");
        return _value.GetString()!;
    }

    /// <summary>A string that is one of <paramref name="allowed"/>.</summary>
    public string OneOf(IReadOnlyCollection<string> allowed)
    {
        string s = String();
        return allowed.Contains(s) ? s : throw Error($"is '{Clip(s)}', expected one of {string.Join(", ", allowed)}.");
    }

    public bool Bool() => _value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error($"is {Describe()}, expected true or false."),
    };

    public int Int(int min, int max) => (int)Long(min, max);

    public long Long(long min, long max)
    {
        if (_value.ValueKind != JsonValueKind.Number || !_value.TryGetInt64(out long v))
            throw Error($"is {Describe()}, expected an integer in [{min}, {max}].");
        return v >= min && v <= max ? v : throw Error($"is {v}, expected an integer in [{min}, {max}].");
    }

    /// <summary>A finite float in [min, max] (min excluded when <paramref name="minExclusive"/>); 1e39 is out of float range, not Infinity.</summary>
    public float Float(double min, double max, bool minExclusive = false)
    {
        if (_value.ValueKind != JsonValueKind.Number || !_value.TryGetDouble(out double v))
            throw Error($"is {Describe()}, expected a number.");
        string range = $"{(minExclusive ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
        if (!double.IsFinite(v) || Math.Abs(v) > float.MaxValue || (minExclusive ? v <= min : v < min) || v > max)
            throw Error($"is {v.ToString(CultureInfo.InvariantCulture)}, expected a finite number in {range}.");
        return (float)v;
    }

    /// <summary>The items of an array with <paramref name="minCount"/> to <paramref name="maxCount"/> elements.</summary>
    public IReadOnlyList<RecordNode> Items(int minCount = 0, int maxCount = 1 << 16)
    {
        if (_value.ValueKind != JsonValueKind.Array)
            throw Error($"is {Describe()}, expected an array.");
        int count = _value.GetArrayLength();
        if (count < minCount || count > maxCount)
            throw Error($"has {count} items, expected {minCount} to {maxCount}.");
        var self = this;
        return _value.EnumerateArray().Select((v, i) => new RecordNode(v, self.File, $"{self.Path}[{i}]")).ToArray();
    }

    /// <summary>A per-sample shape: 1 to 8 dimensions, each in [1, MaxSize] or -1 (any length) where allowed.</summary>
    public int[] Shape(bool allowAny) => Items(1, 8).Select(d => d.Kind == JsonValueKind.Number && allowAny && d._value.TryGetInt64(out long v) && v == -1
        ? -1 : d.Int(1, MaxSize)).ToArray();

    /// <summary>
    /// Runs a host-only creation step (layers, graph, compile; nothing on the device yet) for this part
    /// of the record: what the constructors reject (shapes that do not fit, ...) becomes an InvalidDataException.
    /// </summary>
    public T Creating<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw Error($"is not a valid model: {e.Message}");
        }
    }

    public void RequireObject()
    {
        if (_value.ValueKind != JsonValueKind.Object)
            throw Error($"is {Describe()}, expected an object.");
    }

    private RecordNode Child(string key, JsonElement value = default) => new(value, File, Path.Length == 0 ? key : $"{Path}.{key}");

    private string Describe() => _value.ValueKind switch
    {
        JsonValueKind.Undefined => "missing",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string '{Clip(_value.GetString()!)}'",
        JsonValueKind.Null => "null",
        _ => Clip(_value.GetRawText()),
    };

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
