using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Ops;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Models;

/// <summary>
/// nn.GRU(7, 5) + Linear(5, 1) + sigmoid + BCE from PyTorch (Fixtures/pytorch_gru_adam.safetensors),
/// converted to Keras layout with GruGateOrder, gives PyTorch's outputs, gradients and weights after
/// one Adam step: this pins down the z, r, h order and reset_after's two bias rows.
/// </summary>
public sealed class PyTorchGruTests
{
    private const int Batch = 3, Steps = 6, Inputs = 7, Units = 5;

    private static readonly SafeTensorsContent Fixture =
        SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch_gru_adam.safetensors"));

    /// <summary>The fixture's weights (prefix "" or "grad." or "adam.") in Keras layout, in the model's weight order.</summary>
    private static float[][] KerasWeights(string prefix) =>
    [
        GruGateOrder.FromPyTorchWeight(Fixture[prefix + "gru.weight_ih_l0"].Data, Units, Inputs),
        GruGateOrder.FromPyTorchWeight(Fixture[prefix + "gru.weight_hh_l0"].Data, Units, Units),
        GruGateOrder.FromPyTorchBiases(Fixture[prefix + "gru.bias_ih_l0"].Data, Fixture[prefix + "gru.bias_hh_l0"].Data, Units),
        Fixture[prefix + "dense.weight"].Data, // [1, 5] is [5, 1] transposed: the same values
        Fixture[prefix + "dense.bias"].Data,
    ];

    private static readonly string[] WeightNames = ["gru/kernel", "gru/recurrent_kernel", "gru/bias", "dense/kernel", "dense/bias"];

    private static Sequential Model(ComputeDevice device, Optimizer optimizer)
    {
        var model = new Sequential(device: device);
        model.Add(new Gru(Units, inputShape: (Steps, Inputs)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(optimizer, "binary_crossentropy");
        model.Build();
        model.SetWeights(model.GetWeights().Zip(KerasWeights(""), (w, data) => new HostArray(data, w.Shape)).ToList());
        return model;
    }

    private static HostArray X => new(Fixture["x"].Data, Fixture["x"].Shape);
    private static HostArray Y => new(Fixture["y"].Data, Fixture["y"].Shape);

    [Fact]
    public void KerasLayoutReferenceReproducesPyTorchInDouble()
    {
        var w = KerasWeights("").Select(TestData.ToDouble).ToArray();
        var r = RefGru.Forward(Steps, Batch, Inputs, Units, TimeMajor(TestData.ToDouble(Fixture["x"].Data), Inputs), w[0], w[1], w[2],
            new double[Batch * Units]);
        Compare.Close("h_n (double reference)", r.FinalH, Fixture["h_n"].Data, 1e-6, 1e-5);
        Compare.Close("y_sequence (double reference)", r.Sequence, BatchMajorAsTimeMajor(Fixture["y_sequence"].Data), 1e-6, 1e-5);
    }

    [Fact]
    public void LayerGivesPyTorchSequenceAndFinalState()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var gru = new Gru(Units, returnSequences: true);
        using var parameters = LayerWeights.Create(device, 1, (gru, "gru", [Steps, Inputs]));
        var w = KerasWeights("");
        for (int i = 0; i < 3; i++)
            parameters[WeightNames[i]].CopyFrom(w[i]);
        using var tape = new Tape(device);
        var x = tape.Own(Tensor.FromArray(device, Fixture["x"].Data, Fixture["x"].Shape, "x"));
        var result = gru.Call(new LayerContext(tape, training: false, new Random(1)), x);
        Compare.Close("y_sequence vs PyTorch", Fixture["y_sequence"].Data, result.Output.ToArray(), 1e-5, 1e-4); // both [B, T, H]
        Compare.Close("h_n vs PyTorch", Fixture["h_n"].Data, result.States[0].ToArray(), 1e-5, 1e-4);
    }

    [Fact]
    public void OneStepGivesPyTorchLossAndGradients()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device, new Sgd(learningRate: 1f));
        var before = model.GetWeights();
        var logs = model.TrainOnBatch(X, Y);
        Assert.Equal(Fixture["loss"].Data[0], logs["loss"], 5);
        var after = model.GetWeights();
        var grads = KerasWeights("grad.");
        for (int i = 0; i < grads.Length; i++)
        {
            var step = before[i].Data.Zip(after[i].Data, (b, a) => b - a).ToArray(); // lr = 1: the gradient itself
            Compare.Close("d " + WeightNames[i], grads[i], step, 1e-5, 1e-3);
        }
    }

    [Fact]
    public void OneAdamStepGivesPyTorchWeights()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device, new Adam(learningRate: 0.01f, epsilon: 1e-7f));
        model.TrainOnBatch(X, Y);
        var after = model.GetWeights();
        var expected = KerasWeights("adam.");
        var initial = KerasWeights("");
        for (int i = 0; i < expected.Length; i++)
        {
            Compare.Close("after Adam " + WeightNames[i], expected[i], after[i].Data, 1e-6, 1e-5);
            Assert.NotEqual(initial[i], after[i].Data); // the step moved every weight
        }
    }

    /// <summary>[B, T, F] batch-first to [T, B, F] time-major.</summary>
    private static double[] TimeMajor(double[] x, int features)
    {
        var result = new double[x.Length];
        for (int b = 0; b < Batch; b++)
            for (int t = 0; t < Steps; t++)
                Array.Copy(x, (b * Steps + t) * features, result, (t * Batch + b) * features, features);
        return result;
    }

    private static float[] BatchMajorAsTimeMajor(float[] x) => Array.ConvertAll(TimeMajor(TestData.ToDouble(x), Units), v => (float)v);
}
