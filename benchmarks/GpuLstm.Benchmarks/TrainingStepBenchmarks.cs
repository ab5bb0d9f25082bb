using GpuLstm.Samples;
using BenchmarkDotNet.Attributes;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Models;

namespace GpuLstm.Benchmarks;

/// <summary>
/// One training step (LSTM + Dense(1, sigmoid) + binary cross-entropy + Adam) at the founding
/// example's shape and a large one, on the device GpuLstm chooses (GPULSTM_DEVICE overrides).
/// `gpulstm bench` reports the same steps with launch/allocation/transfer counts, and
/// benchmarks/compare.py puts PyTorch beside it.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private ComputeDevice? _device;
    private LstmClassifier? _model;
    private Tensor? _x, _y;

    [Params("B32_T10_I50_H128", "B64_T100_I256_H256")]
    public string Shape { get; set; } = "B32_T10_I50_H128";

    [GlobalSetup]
    public void Setup()
    {
        var dims = Shape.Split('_').Select(p => int.Parse(p[1..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int batch = dims[0], steps = dims[1], inputs = dims[2], hidden = dims[3];
        _device = ComputeDevice.Create();
        _model = new LstmClassifier(_device, inputs, hidden, seed: 1);
        var rng = new Random(2);
        var x = Enumerable.Range(0, batch * steps * inputs).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var y = Enumerable.Range(0, batch).Select(_ => (float)rng.Next(2)).ToArray();
        _x = Tensor.FromArray(_device, x, [batch, steps, inputs]);
        _y = Tensor.FromArray(_device, y, [batch, 1]);
        _model.TrainStep(_x, _y); // compile kernels outside the measurement
    }

    [Benchmark]
    public float? TrainStep() => _model!.TrainStep(_x!, _y!);

    [GlobalCleanup]
    public void Cleanup()
    {
        _x?.Dispose();
        _y?.Dispose();
        _model?.Dispose();
        _device?.Dispose();
    }
}
