namespace GpuLstm.IO;

/// <summary>Everything loaded from a safetensors file: its tensors in header order and its metadata.</summary>
public sealed class SafeTensorsContent
{
    private readonly Dictionary<string, NamedTensorData> _byName;

    internal SafeTensorsContent(IReadOnlyList<NamedTensorData> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The tensors in the order the header lists them.</summary>
    public IReadOnlyList<NamedTensorData> Tensors { get; }

    /// <summary>The "__metadata__" entries in header order; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IEnumerable<string> Names => Tensors.Select(t => t.Name);

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NamedTensorData? tensor) =>
        _byName.TryGetValue(name, out tensor);

    /// <summary>The tensor called <paramref name="name"/>; the exception lists the names present.</summary>
    public NamedTensorData this[string name] => _byName.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"No tensor named '{name}'; the file has: {string.Join(", ", Names)}.");
}
