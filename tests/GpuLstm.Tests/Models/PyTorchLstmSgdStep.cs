using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Models;

/// <summary>
/// One SGD step (lr 1) of an LSTM + Dense model loaded from PyTorch (Fixtures/pytorch_lstm_grads.safetensors) moves
/// every weight by PyTorch's gradient and gives PyTorch's loss, on whichever device and recurrence path is given.
/// </summary>
public static class PyTorchLstmSgdStep
{
    // Beside the test assembly, not AppContext.BaseDirectory: the GPU kit runs it from the xunit console runner's folder.
    private static string Fixture(string name) =>
        Path.Combine(Path.GetDirectoryName(typeof(PyTorchLstmSgdStep).Assembly.Location)!, "Fixtures", name);

    /// <returns>the LSTM sequences the step ran (one per batch of 3 rows), for tests that count launches</returns>
    public static int Check(ComputeDevice device)
    {
        var reference = SafeTensorsFile.Read(Fixture("pytorch_lstm_grads.safetensors"));
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
        return (x.Shape[0] + 2) / 3;
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
