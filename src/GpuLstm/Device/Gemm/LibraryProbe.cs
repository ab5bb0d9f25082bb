namespace GpuLstm.Device;

/// <summary>The outcome of looking for a native library: the file loaded, or every name tried.</summary>
public sealed record LibraryProbe(string Library, string? Loaded, IReadOnlyList<string> Tried)
{
    public bool Found => Loaded is not null;

    /// <summary>"cuBLAS not found (tried a, b, c)".</summary>
    public string NotFound => $"{Library} not found (tried {string.Join(", ", Tried)})";
}
