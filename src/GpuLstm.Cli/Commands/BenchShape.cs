namespace GpuLstm.Cli.Commands;

/// <summary>A benchmarked training-step shape; names match benchmarks/pytorch_step.py.</summary>
public sealed record BenchShape(string Key, int Batch, int Steps, int Inputs, int Hidden)
{
    public static readonly BenchShape Small = new("small", 32, 10, 50, 128);   // the founding Keras example
    public static readonly BenchShape Large = new("large", 64, 100, 256, 256);
    public static readonly BenchShape Xl = new("xl", 64, 100, 512, 512);
    public static readonly BenchShape B8 = new("b8", 8, 100, 512, 512);       // small batch: latency-bound

    public static readonly IReadOnlyList<BenchShape> All = [Small, Large, Xl, B8];

    /// <summary>What `gpulstm bench` runs without --shapes.</summary>
    public static readonly IReadOnlyList<BenchShape> Defaults = [Small, Large];

    /// <summary>Every key, e.g. "small, large, xl, b8", for usage and error messages.</summary>
    public static string Keys => string.Join(", ", All.Select(s => s.Key));

    public string Name => $"B{Batch}_T{Steps}_I{Inputs}_H{Hidden}";

    /// <summary>The shape called <paramref name="key"/>, or null.</summary>
    public static BenchShape? Find(string key) => All.FirstOrDefault(s => s.Key == key);
}
