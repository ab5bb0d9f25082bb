using GpuLstm.Samples;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Examples;

/// <summary>
/// One whole example task (forecast: its data ships with the library) in quick mode on each
/// non-CPU accelerator: data, Fit, save, load and predict on that device. The CPU accelerator runs
/// every task in <see cref="ExampleQuickRunTests"/>.
/// </summary>
public abstract class ExampleOnDeviceTests(DeviceFixture fixture)
{
    [SkippableFact]
    public void ForecastQuickRunLearnsAndRoundTrips()
    {
        var device = fixture.Device;
        string output = Path.Combine(Path.GetTempPath(), $"gpulstm-example-forecast-{device.Kind}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            var result = ExampleCatalog.Find("forecast").Run(new ExampleOptions(device, TextWriter.Null, output, Quick: true, Verbose: 0));
            Assert.NotEmpty(result.Metrics);
            Assert.All(result.Metrics, m => Assert.True(double.IsFinite(m.Model) && double.IsFinite(m.Baseline), m.Name));
            foreach (var (first, last) in ExampleQuickRunTests.LossPairs(result.FirstAndLastLoss))
                Assert.True(last < 0.8 * first, $"forecast on {device}: loss fell only from {first:F4} to {last:F4}");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaExampleOnDeviceTests(CudaFixture fixture) : ExampleOnDeviceTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClExampleOnDeviceTests(OpenClFixture fixture) : ExampleOnDeviceTests(fixture);
