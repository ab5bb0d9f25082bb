using GpuLstm.Autograd;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Ops;

/// <summary>Embedding lookups against table rows, finite differences, and bit-exact scatter-add gradients.</summary>
public abstract class EmbeddingOpTests(DeviceFixture fixture)
{
    // Ids repeat (3 five times, 0 twice) and row 5 is never used: its gradient must be exactly zero.
    private static readonly float[] Tokens = [3, 0, 3, 1, 4, 3, 2, 3, 0, 6, 3, 1];
    private const int Batch = 3, Steps = 4, Vocabulary = 7, Dim = 5;

    [SkippableFact]
    public void ForwardCopiesTableRows()
    {
        var device = fixture.Device;
        var table = TestData.Uniform(41, Vocabulary * Dim);
        using var tape = new Tape(device);
        using var tokens = Tensor.FromArray(device, Tokens, [Batch, Steps], "tokens");
        using var tt = Tensor.FromArray(device, table, [Vocabulary, Dim], "table");
        var y = EmbeddingOp.Forward(tape, tokens, tt);
        Assert.Equal(new[] { Batch, Steps, Dim }, y.Shape);
        Compare.Close("embedded", Lookup(table), y.ToArray(), 0, 0);
        tape.Reset();
    }

    [SkippableFact]
    public void TableGradientMatchesFiniteDifferences()
    {
        var device = fixture.Device;
        var table = TestData.Uniform(42, Vocabulary * Dim);
        var r = TestData.Uniform(43, Batch * Steps * Dim);
        using var tape = new Tape(device);
        using var tokens = Requiring(Tensor.FromArray(device, Tokens, [Batch, Steps], "tokens"));
        using var tt = Requiring(Tensor.FromArray(device, table, [Vocabulary, Dim], "table"));
        var y = EmbeddingOp.Forward(tape, tokens, tt);
        using var seed = Tensor.FromArray(device, r, y.Shape);
        tape.Backward((y, seed));

        double[] dt = TestData.ToDouble(table);
        double Loss()
        {
            double s = 0;
            for (int i = 0; i < Tokens.Length; i++)
                for (int d = 0; d < Dim; d++)
                    s += dt[(int)Tokens[i] * Dim + d] * r[i * Dim + d];
            return s;
        }
        var grad = tt.Grad!.ToArray();
        GradCheck.AgainstFiniteDifferences("table", dt, grad, Loss);
        Assert.All(grad.AsSpan(5 * Dim, Dim).ToArray(), g => Assert.Equal(0f, g));
        Assert.Null(tokens.Grad);   // ids are not differentiable
        tape.Reset();
    }

    [SkippableFact]
    public void GradientIsBitExactAndDeterministic()
    {
        // Many repeats of few ids over wide rows: the fixed-order sum must match a host loop in
        // increasing token order, bit for bit, on every run.
        var device = fixture.Device;
        int batch = 16, steps = 32, vocabulary = 10, dim = 64;
        var rng = new Random(44);
        var tokens = Enumerable.Range(0, batch * steps).Select(_ => (float)rng.Next(vocabulary)).ToArray();
        var table = TestData.Uniform(45, vocabulary * dim);
        var r = TestData.Uniform(46, batch * steps * dim);
        var expected = new float[vocabulary * dim];
        for (int i = 0; i < tokens.Length; i++)
            for (int d = 0; d < dim; d++)
                expected[(int)tokens[i] * dim + d] += r[i * dim + d];

        float[] Run()
        {
            using var tape = new Tape(device);
            using var tk = Tensor.FromArray(device, tokens, [batch, steps], "tokens");
            using var tt = Requiring(Tensor.FromArray(device, table, [vocabulary, dim], "table"));
            var y = EmbeddingOp.Forward(tape, tk, tt);
            using var seed = Tensor.FromArray(device, r, y.Shape);
            tape.Backward((y, seed));
            var grad = tt.Grad!.ToArray();
            tape.Reset();
            return grad;
        }
        var first = Run();
        Assert.Equal(expected, first);
        Assert.Equal(first, Run());
    }

    [SkippableFact]
    public void GradientsAccumulateAcrossUses()
    {
        // The table used twice: the second backward write must add (beta = 1), not restart from zero.
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var tokens = Tensor.FromArray(device, [2f, 0f, 2f], [1, 3], "tokens");
        using var tt = Requiring(Tensor.FromArray(device, new float[3 * 2], [3, 2], "table"));
        var y1 = EmbeddingOp.Forward(tape, tokens, tt);
        var y2 = EmbeddingOp.Forward(tape, tokens, tt);
        using var ones = Tensor.FromArray(device, [1f, 1f, 1f, 1f, 1f, 1f], [1, 3, 2]);
        tape.Backward((y1, ones), (y2, ones));
        Compare.Close("dTable", new float[] { 2, 2, 0, 0, 4, 4 }, tt.Grad!.ToArray(), 0, 0);
        tape.Reset();
    }

    [SkippableFact]
    public void WrongTableRankNamesLayer()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var tokens = Tensor.Zeros(device, [2, 3]);
        using var table = Tensor.Zeros(device, [4, 5, 6]);
        var e = Assert.Throws<ArgumentException>(() => EmbeddingOp.Forward(tape, tokens, table, "embedding_1"));
        Assert.Contains("embedding_1", e.Message);
        Assert.Contains("[4, 5, 6]", e.Message);
    }

    [SkippableFact]
    public void LayerPredictsTableRowsAndSurvivesSaveAndLoad()
    {
        var device = fixture.Device;
        using var temp = new TempDirectory();
        using var model = new Sequential(device: device, seed: 5);
        model.Add(new Embedding(Vocabulary, Dim, maskZero: true, inputLength: Steps));
        model.Build();
        var table = model.Parameters!["embedding/embeddings"].ToArray();
        Assert.All(table, w => Assert.InRange(w, -0.05f, 0.05f));
        Assert.Contains(table, w => w != 0f);
        var predicted = model.Predict(new HostArray(Tokens, Batch, Steps));
        Assert.Equal(new[] { Batch, Steps, Dim }, predicted.Shape);
        Compare.Close("predicted", Lookup(table), predicted.Data, 0, 0);

        string path = temp.File("embedding.safetensors");
        model.Save(path);
        using var loaded = Sequential.Load(path, device);
        var layer = Assert.IsType<Embedding>(loaded.Layers[0]);
        Assert.Equal((Vocabulary, Dim, true), (layer.InputDim, layer.OutputDim, layer.MaskZero));
        Assert.Equal(model.SummaryText(), loaded.SummaryText());
        Assert.Equal(predicted.Data, loaded.Predict(new HostArray(Tokens, Batch, Steps)).Data);
    }

    private static float[] Lookup(float[] table)
    {
        var expected = new float[Tokens.Length * Dim];
        for (int i = 0; i < Tokens.Length; i++)
            Array.Copy(table, (int)Tokens[i] * Dim, expected, i * Dim, Dim);
        return expected;
    }

    private static Tensor Requiring(Tensor t)
    {
        t.RequiresGrad = true;
        return t;
    }
}

/// <summary>Keras's shapes and parameter counts for Embedding; no device needed.</summary>
public sealed class EmbeddingLayerTests
{
    [Fact]
    public void SummaryAndParamCountFollowKeras()
    {
        using var model = new Sequential();
        model.Add(new Embedding(1000, 64, inputLength: 10));
        var layer = model.Layers[0];
        Assert.Equal("embedding", layer.Name);
        Assert.Equal(64_000, layer.ParameterCount);
        string text = model.SummaryText();
        Assert.Contains("│ embedding (Embedding)           │ (None, 10, 64)         │        64,000 │", text);
        Assert.Contains(" Total params: 64,000 (250.00 KB)", text);
    }

    [Fact]
    public void ConfigAndValidationFollowKeras()
    {
        var layer = new Embedding(20, 8, maskZero: true);
        Assert.Null(layer.DeclaredInputShape);
        Assert.Equal(new Dictionary<string, object?> { ["input_dim"] = 20, ["output_dim"] = 8, ["mask_zero"] = true },
            layer.Config());
        Assert.Equal(new[] { 6, 8 }, layer.ComputeOutputShape([6]));
        Assert.Throws<ArgumentException>(() => new Embedding(0, 8));
        Assert.Throws<ArgumentException>(() => new Embedding(20, 0));
        Assert.Throws<ArgumentException>(() => new Embedding(20, 8, inputLength: 0));
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuEmbeddingOpTests(CpuFixture fixture) : EmbeddingOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedEmbeddingOpTests(CpuLaunchedFixture fixture) : EmbeddingOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaEmbeddingOpTests(CudaFixture fixture) : EmbeddingOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClEmbeddingOpTests(OpenClFixture fixture) : EmbeddingOpTests(fixture);
