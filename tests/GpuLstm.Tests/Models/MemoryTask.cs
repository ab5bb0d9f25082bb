using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>A task that needs memory: 8 steps of 3 uniform features, label = is the first step's first feature positive?</summary>
public static class MemoryTask
{
    public static (HostArray X, HostArray Y) Create(int samples, int seed)
    {
        var rng = new Random(seed);
        var x = new float[samples * 8 * 3];
        var y = new float[samples];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int s = 0; s < samples; s++)
            y[s] = x[s * 24] > 0 ? 1f : 0f;
        return (new HostArray(x, samples, 8, 3), new HostArray(y, samples, 1));
    }
}
