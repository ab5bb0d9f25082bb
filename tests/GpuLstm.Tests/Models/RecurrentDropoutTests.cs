using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>
/// recurrentDropout at the model level (LSTM, GRU both reset conventions, SimpleRNN, each also inside
/// Bidirectional): training is deterministic per seed and differs from rate 0 (the masks are used),
/// inference ignores it (Keras: dropout only while training).
/// </summary>
public abstract class RecurrentDropoutTests(DeviceFixture fixture)
{
    private static readonly (HostArray X, HostArray Y) Set = Data();
    private static HostArray X => Set.X;
    private static HostArray Y => Set.Y;

    public static TheoryData<string> Kinds => ["lstm", "gru", "gru_reset_before", "simple_rnn"];

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void TrainingIsDeterministicPerSeedAndDiffersFromRateZero(string kind)
    {
        (List<double> Loss, float[][] Weights) Train(int seed, float recurrentDropout)
        {
            using var model = NewModel(kind, seed, recurrentDropout);
            var history = model.Fit(X, Y, batchSize: 8, epochs: 2, verbose: 0);
            return (history["loss"].ToList(), model.GetWeights().Select(w => w.Data).ToArray());
        }
        var a = Train(seed: 3, recurrentDropout: 0.3f);
        var b = Train(seed: 3, recurrentDropout: 0.3f);
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(a.Weights, b.Weights);
        Assert.NotEqual(a.Loss, Train(seed: 3, recurrentDropout: 0f).Loss);
        Assert.NotEqual(a.Loss, Train(seed: 4, recurrentDropout: 0.3f).Loss);
        Assert.All(a.Loss, l => Assert.True(double.IsFinite(l), $"loss {l}"));
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void PredictIgnoresItWhileTrainingUsesIt(string kind)
    {
        // Same seed, so the same initial weights: only the dropout differs.
        using var dropped = NewModel(kind, seed: 5, recurrentDropout: 0.5f);
        using var plain = NewModel(kind, seed: 5, recurrentDropout: 0f);
        Assert.Equal(plain.Predict(X).Data, dropped.Predict(X).Data);
        Assert.Equal(plain.Evaluate(X, Y)["loss"], dropped.Evaluate(X, Y)["loss"]);
        Assert.NotEqual(plain.TrainOnBatch(X, Y)["loss"], dropped.TrainOnBatch(X, Y)["loss"]);
    }

    private Sequential NewModel(string kind, int seed, float recurrentDropout)
    {
        RecurrentLayer Recurrent(int units, bool returnSequences, (int, int)? inputShape, float dropout) => kind switch
        {
            "lstm" => new Lstm(units, inputShape: inputShape, dropout: dropout, recurrentDropout: recurrentDropout, returnSequences: returnSequences),
            "gru" => new Gru(units, inputShape: inputShape, dropout: dropout, recurrentDropout: recurrentDropout, returnSequences: returnSequences),
            "gru_reset_before" => new Gru(units, inputShape: inputShape, dropout: dropout, recurrentDropout: recurrentDropout,
                returnSequences: returnSequences, resetAfter: false),
            "simple_rnn" => new SimpleRnn(units, inputShape: inputShape, dropout: dropout, recurrentDropout: recurrentDropout, returnSequences: returnSequences),
            _ => throw new ArgumentException(kind),
        };
        var model = new Sequential(device: fixture.Device, seed: seed);
        model.Add(Recurrent(6, true, (5, 3), 0.2f));
        model.Add(new Bidirectional(Recurrent(4, false, null, 0f)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        return model;
    }

    private static (HostArray X, HostArray Y) Data()
    {
        var rng = new Random(9);
        var x = new HostArray(Enumerable.Range(0, 32 * 5 * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 32, 5, 3);
        var y = new HostArray(Enumerable.Range(0, 32).Select(i => (float)(i % 2)).ToArray(), 32, 1);
        return (x, y);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuRecurrentDropoutTests(CpuFixture fixture) : RecurrentDropoutTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaRecurrentDropoutTests(CudaFixture fixture) : RecurrentDropoutTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClRecurrentDropoutTests(OpenClFixture fixture) : RecurrentDropoutTests(fixture);
