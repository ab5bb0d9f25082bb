using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;

using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>Embedding(maskZero) masks reach the LSTMs: padding does not change what the model computes, and training works.</summary>
public abstract class MaskingTests(DeviceFixture fixture)
{
    private ComputeDevice _device => fixture.Device; // shared by the collection: not disposed here

    private Sequential Classifier(int length, int seed = 1)
    {
        var model = new Sequential(device: _device, seed: seed);
        model.Add(new Embedding(20, 6, maskZero: true, inputLength: length));
        model.Add(new Bidirectional(new Lstm(5)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(new GpuLstm.Optimizers.Adam(0.01f), "binary_crossentropy", ["accuracy"]);
        return model;
    }

    [SkippableFact]
    public void TrailingPaddingDoesNotChangePredictions()
    {
        using var padded = Classifier(8);
        using var exact = Classifier(3, seed: 2);
        padded.Build();
        exact.Build();
        string path = Path.Combine(Path.GetTempPath(), $"gpulstm-mask-{Guid.NewGuid():N}.safetensors");
        try
        {
            padded.SaveWeights(path); // weights do not depend on the sequence length
            exact.LoadWeights(path);
        }
        finally
        {
            File.Delete(path);
        }
        var p8 = padded.Predict(new HostArray([5, 3, 7, 0, 0, 0, 0, 0, 9, 1, 4, 0, 0, 0, 0, 0], 2, 8)).Data;
        var p3 = exact.Predict(new HostArray([5, 3, 7, 9, 1, 4], 2, 3)).Data;
        Assert.Equal(p3[0], p8[0], 5);
        Assert.Equal(p3[1], p8[1], 5);
    }

    [SkippableFact]
    public void MaskedBidirectionalClassifierLearnsWhetherTokenSevenOccurs()
    {
        var rng = new Random(4);
        int n = 256, length = 10;
        var x = new float[n * length];
        var y = new float[n];
        for (int s = 0; s < n; s++)
        {
            int len = rng.Next(3, length + 1);
            for (int t = 0; t < len; t++)
                x[s * length + t] = rng.Next(1, 20);
            y[s] = x.AsSpan(s * length, length).Contains(7f) ? 1f : 0f;
        }
        using var model = Classifier(length);
        var history = model.Fit(new HostArray(x, n, length), new HostArray(y, n, 1), batchSize: 32, epochs: 25, verbose: 0);
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]:F3}, loss {history["loss"][0]:F3} -> {history["loss"][^1]:F3}");
    }

    [SkippableFact]
    public void TokenIdsOutsideTheVocabularyAreRejectedBeforeUpload()
    {
        using var model = Classifier(3);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new HostArray([1, 2, 25], 1, 3)));
        Assert.Contains("embedding (Embedding)", e.Message);
        Assert.Contains("[0, 20)", e.Message);
    }

}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuMaskingTests(CpuFixture fixture) : MaskingTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaMaskingTests(CudaFixture fixture) : MaskingTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClMaskingTests(OpenClFixture fixture) : MaskingTests(fixture);
