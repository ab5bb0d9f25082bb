using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;

using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>Stateful LSTMs carry h and c across calls (truncated BPTT) until ResetStates.</summary>
public abstract class StatefulTests(DeviceFixture fixture)
{
    [SkippableFact]
    public void TwoHalvesEqualTheWholeSequenceUntilReset()
    {
        var device = fixture.Device;
        using var whole = new Sequential(device: device, seed: 3);
        whole.Add(new Lstm(4, returnSequences: true, inputShape: (6, 2)));
        using var halves = new Sequential(device: device, seed: 3); // same seed: same weights
        halves.Add(new Lstm(4, returnSequences: true, stateful: true, inputShape: (3, 2)));

        var x = Enumerable.Range(0, 2 * 6 * 2).Select(i => MathF.Sin(i * 0.7f)).ToArray(); // [2, 6, 2]
        var full = whole.Predict(new HostArray(x, 2, 6, 2)).Data;                       // [2, 6, 4]
        float[] Half(int part)
        {
            var h = new float[2 * 3 * 2];
            for (int b = 0; b < 2; b++)
                Array.Copy(x, b * 12 + part * 6, h, b * 6, 6);
            return h;
        }
        var first = halves.Predict(new HostArray(Half(0), 2, 3, 2)).Data;
        var second = halves.Predict(new HostArray(Half(1), 2, 3, 2)).Data;
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 12; i++)
            {
                Assert.Equal(full[b * 24 + i], first[b * 12 + i], 5);
                Assert.Equal(full[b * 24 + 12 + i], second[b * 12 + i], 5);
            }

        halves.ResetStates();
        var again = halves.Predict(new HostArray(Half(0), 2, 3, 2)).Data;
        Assert.Equal(first, again);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuStatefulTests(CpuFixture fixture) : StatefulTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaStatefulTests(CudaFixture fixture) : StatefulTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClStatefulTests(OpenClFixture fixture) : StatefulTests(fixture);
