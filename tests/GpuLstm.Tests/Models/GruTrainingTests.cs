using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>GRU and SimpleRNN models learn a task that needs memory, on every accelerator.</summary>
public abstract class GruTrainingTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData("gru")]
    [InlineData("gru_reset_before")]
    [InlineData("simple_rnn")]
    public void LossFallsOnAMemoryTask(string kind)
    {
        var (x, y) = MemoryTask.Create(256, 1);
        using var model = new Sequential(device: fixture.Device, seed: 3);
        model.Add(kind switch
        {
            "gru" => new Gru(16, inputShape: (8, 3)),
            "gru_reset_before" => new Gru(16, resetAfter: false, inputShape: (8, 3)),
            _ => new SimpleRnn(16, inputShape: (8, 3)),
        });
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(new Adam(0.01f), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, batchSize: 32, epochs: 20, verbose: 0);
        double first = history["loss"][0], last = history["loss"][^1];
        Assert.True(first > 0.6, $"{kind}: initial loss {first:F3} should be near ln 2 for balanced labels");
        Assert.True(last < 0.5 * first, $"{kind}: loss {first:F3} -> {last:F3}: {string.Join(" ", history["loss"].Select(l => l.ToString("F3")))}");
        Assert.True(history["accuracy"][^1] > 0.85, $"{kind}: accuracy {history["accuracy"][^1]:F3}");
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuGruTrainingTests(CpuFixture fixture) : GruTrainingTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaGruTrainingTests(CudaFixture fixture) : GruTrainingTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClGruTrainingTests(OpenClFixture fixture) : GruTrainingTests(fixture);
