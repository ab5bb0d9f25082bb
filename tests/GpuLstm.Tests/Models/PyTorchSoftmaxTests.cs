using GpuLstm.Device;
using GpuLstm.IO;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Ops;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>
/// A per-step softmax classifier with padding against PyTorch (Fixtures/pytorch_softmax_masked.safetensors):
/// Embedding(maskZero) -> LSTM(returnSequences) -> Dense(3, softmax) with sparse categorical cross-entropy
/// gives PyTorch's probabilities at the real steps, its cross-entropy over real steps (ignore_index on the
/// padding) and its gradients, which pins down the fused softmax-CE path and the masked mean together.
/// </summary>
public sealed class PyTorchSoftmaxTests
{
    private const int Batch = 3, Steps = 5, Vocab = 6, Dim = 4, Units = 5, Classes = 3;

    private static readonly SafeTensorsContent Fixture =
        SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch_softmax_masked.safetensors"));

    private static readonly string[] WeightNames =
        ["embedding/embeddings", "lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "dense/kernel", "dense/bias"];

    /// <summary>The fixture's weights (prefix "" or "grad.") in Keras layout, in the model's weight order.</summary>
    private static float[][] KerasWeights(string prefix) =>
    [
        Fixture[prefix + "embedding.weight"].Data,
        LstmGateOrder.FromPyTorchWeight(Fixture[prefix + "lstm.weight_ih_l0"].Data, 4 * Units, Dim),
        LstmGateOrder.FromPyTorchWeight(Fixture[prefix + "lstm.weight_hh_l0"].Data, 4 * Units, Units),
        // The Keras bias is PyTorch's two summed; its gradient is either one's (they are equal).
        prefix == "" ? Fixture["lstm.bias_ih_l0"].Data.Zip(Fixture["lstm.bias_hh_l0"].Data, (a, b) => a + b).ToArray() : Fixture[prefix + "lstm.bias_ih_l0"].Data,
        LstmGateOrder.FromPyTorchWeight(Fixture[prefix + "dense.weight"].Data, Classes, Units),
        Fixture[prefix + "dense.bias"].Data,
    ];

    private static Sequential Model(ComputeDevice device)
    {
        var model = new Sequential(device: device);
        model.Add(new Embedding(Vocab, Dim, maskZero: true, inputLength: Steps));
        model.Add(new Lstm(Units, returnSequences: true));
        model.Add(new Dense(Classes, activation: "softmax"));
        model.Compile(new Sgd(learningRate: 1f), "sparse_categorical_crossentropy", ["accuracy"]);
        model.Build();
        model.SetWeights(model.GetWeights().Zip(KerasWeights(""), (w, data) => new HostArray(data, w.Shape)).ToList());
        return model;
    }

    private static HostArray Tokens => new(Fixture["tokens"].Data, Batch, Steps);
    private static HostArray Labels => new(Fixture["labels"].Data, Batch, Steps);

    private static bool Real(int i) => Fixture["tokens"].Data[i] != 0f;

    [Fact]
    public void ProbabilitiesMatchPyTorchAtRealSteps()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        var probs = model.Predict(Tokens).Data;
        var expected = Fixture["probs"].Data;
        var real = Enumerable.Range(0, Batch * Steps).Where(Real).SelectMany(i => Enumerable.Range(i * Classes, Classes)).ToArray();
        Compare.Close("probabilities at real steps", real.Select(k => expected[k]).ToArray(), real.Select(k => probs[k]).ToArray(), 1e-6, 1e-5);
    }

    [Fact]
    public void MaskedLossAndGradientsMatchPyTorch()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device);
        Assert.Equal(Fixture["loss"].Data[0], model.Evaluate(Tokens, Labels)["loss"], 5);
        var before = model.GetWeights();
        var logs = model.TrainOnBatch(Tokens, Labels);
        Assert.Equal(Fixture["loss"].Data[0], logs["loss"], 5);
        var after = model.GetWeights();
        var grads = KerasWeights("grad.");
        for (int i = 0; i < grads.Length; i++)
        {
            var step = before[i].Data.Zip(after[i].Data, (b, a) => b - a).ToArray(); // lr = 1: the gradient itself
            Compare.Close("d " + WeightNames[i], grads[i], step, 1e-5, 1e-3);
        }
    }
}
