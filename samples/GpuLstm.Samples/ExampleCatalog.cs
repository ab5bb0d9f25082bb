namespace GpuLstm.Samples;

/// <summary>The tasks `gpulstm example` knows, by name.</summary>
public static class ExampleCatalog
{
    public static IReadOnlyList<IExample> All { get; } = [new TextExample(), new CharsExample(), new ForecastExample(), new ClassifyExample(), new DigitsExample(), new G2pExample()];

    public static IExample Find(string name) =>
        All.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown example '{name}'; available: {string.Join(", ", All.Select(e => e.Name))}.");
}
