using GpuLstm.Datasets;
using GpuLstm.Device;
using GpuLstm.Samples;

namespace GpuLstm.Tests.Examples;

/// <summary>
/// Every task on a small slice for a few steps (CI): the loss must fall well below where it started
/// and the data → train → save → load → predict pipeline must hold (ExampleFiles checks the reload).
/// Tasks whose data is fetched are skipped with the fetch command when it is not cached, except
/// under CI=true, where .ci/run fetches them first.
/// </summary>
public sealed class ExampleQuickRunTests
{
    public static TheoryData<string> Names() => new(ExampleCatalog.All.Select(e => e.Name));

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public void QuickRunLearnsAndRoundTrips(string name)
    {
        string? dataset = name switch { "digits" => "mnist", "classify" => "spam", "text" or "chars" => "moby-dick", "g2p" => "cmudict", _ => null };
        if (dataset is not null && DataCatalog.State(dataset) != DatasetState.Ready)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI must fetch '{dataset}' (gpulstm data fetch {dataset}).");
            Skip.If(true, $"dataset '{dataset}' is not downloaded; run: gpulstm data fetch {dataset}");
        }
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        string output = Path.Combine(Path.GetTempPath(), $"gpulstm-example-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            var result = ExampleCatalog.Find(name).Run(new ExampleOptions(device, TextWriter.Null, output, Quick: true, Verbose: 0));
            Assert.NotEmpty(result.Metrics);
            Assert.All(result.Metrics, m => Assert.True(double.IsFinite(m.Model) && double.IsFinite(m.Baseline), m.Name));
            foreach (var (first, last) in LossPairs(result.FirstAndLastLoss))
                Assert.True(last < 0.8 * first, $"{name}: loss fell only from {first:F4} to {last:F4}");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    internal static IEnumerable<(double First, double Last)> LossPairs(IReadOnlyDictionary<string, double> losses) =>
        losses.Keys.Where(k => k.EndsWith("first", StringComparison.Ordinal))
            .Select(k => (losses[k], losses[k[..^"first".Length] + "last"]));
}
