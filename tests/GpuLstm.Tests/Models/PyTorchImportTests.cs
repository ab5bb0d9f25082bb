using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>
/// A PyTorch state_dict imports into the equivalent Keras-style model and reproduces PyTorch's
/// outputs and gradients, against reference tensors produced by PyTorch (Fixtures/make_pytorch_reference.py).
/// </summary>
public sealed class PyTorchImportTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void TwoLayerLstmWithLinearGivesPyTorchOutputs()
    {
        var io = SafeTensorsFile.Read(Fixture("pytorch_lstm_dense_io.safetensors"));
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Lstm(5, returnSequences: true, inputShape: (6, 7)));
        model.Add(new Lstm(5));
        model.Add(new Dense(3));
        model.LoadPyTorchStateDict(Fixture("pytorch_lstm_dense.safetensors"));
        var x = io["x"];
        var y = model.Predict(new HostArray(x.Data, x.Shape));
        Compare.Close("y_dense vs PyTorch", io["y_dense"].Data, y.Data, 1e-5, 1e-4);
    }

    [Theory]
    [InlineData("concat")]
    [InlineData("sum")]
    [InlineData("mul")]
    [InlineData("ave")]
    public void BidirectionalLstmGivesPyTorchOutputs(string mergeMode)
    {
        var io = SafeTensorsFile.Read(Fixture("pytorch_bilstm_io.safetensors"));
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Bidirectional(new Lstm(3, returnSequences: true), mergeMode, inputShape: (5, 4)));
        model.LoadPyTorchStateDict(Fixture("pytorch_bilstm.safetensors"));
        var x = io["x"];
        var y = model.Predict(new HostArray(x.Data, x.Shape));
        // PyTorch's output [2, 5, 6] is forward (3) then backward (3) per step; merge it as Keras would.
        var torch = io["y_sequence"].Data;
        var expected = new float[mergeMode == "concat" ? 60 : 30];
        for (int r = 0; r < 10; r++)
            for (int j = 0; j < 3; j++)
            {
                float f = torch[r * 6 + j], b = torch[r * 6 + 3 + j];
                if (mergeMode == "concat")
                {
                    expected[r * 6 + j] = f;
                    expected[r * 6 + 3 + j] = b;
                }
                else
                {
                    expected[r * 3 + j] = mergeMode switch { "sum" => f + b, "mul" => f * b, _ => (f + b) / 2 };
                }
            }
        Compare.Close($"bidirectional {mergeMode} vs PyTorch", expected, y.Data, 1e-5, 1e-4);
        Assert.Contains("bidirectional (Bidirectional)", model.SummaryText());
    }

    [Fact]
    public void OneStepOfSgdMovesWeightsByPyTorchGradients()
    {
        var reference = SafeTensorsFile.Read(Fixture("pytorch_lstm_grads.safetensors"));
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Lstm(5, inputShape: (6, 7)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(new Sgd(learningRate: 1f), "binary_crossentropy");
        // The fixture also stores x, y, the loss and grad.* tensors; a state_dict holds only the weights.
        using var temp = new TempDirectory();
        string stateDict = Path.Combine(temp.Path, "state_dict.safetensors");
        SafeTensorsFile.Write(stateDict, reference.Tensors.Where(t => t.Name.StartsWith("lstm.", StringComparison.Ordinal)
            || t.Name.StartsWith("dense.", StringComparison.Ordinal)));
        model.LoadPyTorchStateDict(stateDict);
        var before = model.Parameters!.Values.ToArray();
        var x = reference["x"];
        var y = reference["y"];
        var history = model.Fit(new HostArray(x.Data, x.Shape), new HostArray(y.Data, y.Shape), batchSize: 3, epochs: 1,
            verbose: 0, shuffle: false);
        Assert.Equal(reference["loss"].Data[0], history["loss"][0], 5);

        var after = model.Parameters.Values.ToArray();
        var step = before.Zip(after, (b, a) => b - a).ToArray(); // lr = 1: the gradient itself
        float[] Grad(string name) => Slice(step, model, name);
        var w = reference["grad.lstm.weight_ih_l0"];
        var u = reference["grad.lstm.weight_hh_l0"];
        var bias = reference["grad.lstm.bias_ih_l0"].Data; // d/d(bias_ih) = d/d(bias_hh) = d/d(summed bias)
        Compare.Close("d kernel", GpuLstm.Ops.LstmGateOrder.FromPyTorchWeight(w.Data, 20, 7), Grad("lstm/kernel"), 1e-5, 1e-3);
        Compare.Close("d recurrent_kernel", GpuLstm.Ops.LstmGateOrder.FromPyTorchWeight(u.Data, 20, 5), Grad("lstm/recurrent_kernel"), 1e-5, 1e-3);
        Compare.Close("d bias", bias, Grad("lstm/bias"), 1e-5, 1e-3);
        Compare.Close("d dense kernel", reference["grad.dense.weight"].Data, Grad("dense/kernel"), 1e-5, 1e-3);
        Compare.Close("d dense bias", reference["grad.dense.bias"].Data, Grad("dense/bias"), 1e-5, 1e-3);
    }

    [Fact]
    public void MismatchedStateDictIsRejectedAndNothingChanges()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Lstm(6, returnSequences: true, inputShape: (6, 7))); // PyTorch has 5 units
        model.Add(new Lstm(5));
        model.Add(new Dense(3));
        model.Build();
        var before = model.Parameters!.Values.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadPyTorchStateDict(Fixture("pytorch_lstm_dense.safetensors")));
        Assert.Contains("weight_ih_l0", e.Message);
        Assert.Contains("[20, 7]", e.Message);
        Assert.Contains("[24, 7]", e.Message);
        Assert.Equal(before, model.Parameters.Values.ToArray());
    }

    private static float[] Slice(float[] all, Sequential model, string name)
    {
        long offset = 0;
        foreach (var p in model.Parameters!.Parameters)
        {
            if (p.Name == name)
                return all.AsSpan((int)offset, (int)p.Length).ToArray();
            offset += p.Length;
        }
        throw new KeyNotFoundException(name);
    }
}
