using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Training;

/// <summary>
/// OpenBLAS and GpuLstm's ILGPU GEMM on the CPU accelerator train the same model to the same weights
/// up to rounding: the ops' engine-specific choices (a transposed copy of U only for OpenBLAS, say)
/// must not change the math. On the host this is the only run of the recurrent ops through the ILGPU
/// GEMM engine that OpenCL and CUDA use.
/// </summary>
public sealed class GemmEngineAgreementTests
{
    [Fact]
    public void OpenBlasAndTheIlgpuGemmTrainAlike()
    {
        using var openBlas = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { Gemm = GemmEngineKind.OpenBlas });
        using var ilgpu = ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { Gemm = GemmEngineKind.Ilgpu });
        var a = Train(openBlas);
        var b = Train(ilgpu);
        Compare.Close("loss history", a.Losses.Select(l => (float)l).ToArray(), b.Losses.Select(l => (float)l).ToArray(), 1e-5, 1e-4);
        for (int i = 0; i < a.Weights.Length; i++)
            Compare.Close($"weight {i}", a.Weights[i], b.Weights[i], 1e-4, 1e-3);
    }

    /// <summary>Stacked LSTMs without recurrent dropout (the fused dh = dGates U^T path) and a GRU, three epochs.</summary>
    private static (List<double> Losses, float[][] Weights) Train(ComputeDevice device)
    {
        var rng = new Random(3);
        var x = new HostArray(Enumerable.Range(0, 48 * 5 * 4).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 48, 5, 4);
        var y = new HostArray(Enumerable.Range(0, 48).Select(i => (float)(i % 3 == 0 ? 1 : 0)).ToArray(), 48, 1);
        using var model = new Sequential(device: device, seed: 7);
        model.Add(new Lstm(12, inputShape: (5, 4), returnSequences: true));
        model.Add(new Lstm(8, returnSequences: true));
        model.Add(new Gru(6));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        var history = model.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0);
        return (history["loss"].ToList(), model.GetWeights().Select(w => w.Data.ToArray()).ToArray());
    }
}
