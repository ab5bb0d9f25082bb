using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.IO;
using Xunit.Abstractions;

namespace GpuLstm.Tests.Models;

/// <summary>
/// A model runs one call at a time: a second thread gets an InvalidOperationException saying the model
/// (or the device it shares) is busy, never a wrong answer; the thread inside (callbacks) may call it again.
/// </summary>
public abstract class ConcurrencyTests(DeviceFixture fixture, ITestOutputHelper output)
{
    private const int Samples = 32, Steps = 20, Features = 8;

    private Sequential NewModel(string name = "sequential", bool stateful = false)
    {
        var model = new Sequential(name, device: fixture.Device, seed: 5);
        model.Add(new Lstm(32, stateful: stateful, inputShape: (Steps, Features)));
        model.Add(new Dense(4));
        model.Compile("adam", "mse");
        return model;
    }

    private static HostArray Inputs(int seed)
    {
        var rng = new Random(seed);
        return new HostArray(Enumerable.Range(0, Samples * Steps * Features).Select(_ => (float)rng.NextDouble() * 2 - 1).ToArray(),
            Samples, Steps, Features);
    }

    private static HostArray Targets() => new(Enumerable.Range(0, Samples * 4).Select(i => MathF.Sin(i)).ToArray(), Samples, 4);

    [SkippableFact]
    public void TwoThreadsPredictingGetTheSingleThreadedAnswerOrAreToldTheModelIsBusy()
    {
        using var model = NewModel();
        HostArray[] x = [Inputs(1), Inputs(2)];
        var expected = x.Select(a => model.Predict(a, batchSize: 8).Data).ToArray(); // single-threaded, [N, 4] each
        Assert.NotEqual(expected[0], expected[1]);
        int right = 0, busy = 0;
        var wrong = new List<string>();
        for (int trial = 0; trial < 200; trial++)
        {
            using var barrier = new Barrier(2);
            var outcomes = new string?[2];
            var threads = Enumerable.Range(0, 2).Select(k => new Thread(() =>
            {
                barrier.SignalAndWait();
                try
                {
                    var y = model.Predict(x[k], batchSize: 8).Data;
                    outcomes[k] = y.SequenceEqual(expected[k]) ? "right" : $"trial {trial} thread {k}: wrong predictions";
                }
                catch (InvalidOperationException e) when (e.Message.Contains("another thread", StringComparison.Ordinal))
                {
                    outcomes[k] = "busy";
                }
                catch (Exception e)
                {
                    outcomes[k] = $"trial {trial} thread {k}: {e.GetType().Name}: {e.Message}";
                }
            })).ToArray();
            foreach (var t in threads)
                t.Start();
            foreach (var t in threads)
                t.Join();
            foreach (string? outcome in outcomes)
            {
                if (outcome == "right")
                    right++;
                else if (outcome == "busy")
                    busy++;
                else
                    wrong.Add(outcome!);
            }
        }
        output.WriteLine($"{right} right, {busy} refused as busy, {wrong.Count(w => w.EndsWith("wrong predictions", StringComparison.Ordinal))} wrong, " +
            $"{wrong.Count(w => !w.EndsWith("wrong predictions", StringComparison.Ordinal))} other errors");
        Assert.Empty(wrong);
        Assert.True(right >= 200, $"at least one call per trial must get through, got {right} of 400");
        // Still usable afterwards, with the same answer.
        Assert.Equal(expected[0], model.Predict(x[0], batchSize: 8).Data);
    }

    [SkippableFact]
    public void PredictWhileFitRunsOnAnotherThreadIsRefusedNamingBothCalls()
    {
        using var model = NewModel();
        var x = Inputs(3);
        var before = model.Predict(x).Data;
        using var pause = new PauseInBatch();
        var fit = StartThread(() => model.Fit(x, Targets(), batchSize: 8, epochs: 1, verbose: 0, callbacks: [pause]));
        pause.WaitUntilInside();

        var e = Assert.Throws<InvalidOperationException>(() => model.Predict(x));
        Assert.Equal("Model 'sequential': Predict was called while Fit is running on another thread; a model runs one call at a time " +
            "(use one model per thread, or lock around calls).", e.Message);
        Assert.Contains("Evaluate was called while Fit", Assert.Throws<InvalidOperationException>(() => model.Evaluate(x, Targets())).Message);
        Assert.Contains("GetWeights was called while Fit", Assert.Throws<InvalidOperationException>(() => model.GetWeights()).Message);
        Assert.Contains("Compile was called while Fit", Assert.Throws<InvalidOperationException>(() => model.Compile("sgd", "mse")).Message);
        Assert.Contains("PredictOnBatch was called while Fit", Assert.Throws<InvalidOperationException>(() => model.PredictOnBatch(x)).Message);
        Assert.Contains("Dispose was called while Fit", Assert.Throws<InvalidOperationException>(model.Dispose).Message);
        pause.Release();
        fit.Join();
        Assert.Null(fit.Error);

        // Fit finished: the model is free again, trained (the weights moved) and not disposed.
        Assert.NotEqual(before, model.Predict(x).Data);
    }

    [SkippableFact]
    public void ResettingAStatefulLayerWhileItsModelRunsIsRefused()
    {
        using var model = NewModel(stateful: true);
        var x = Inputs(4);
        using var pause = new PauseInBatch();
        var fit = StartThread(() => model.Fit(x, Targets(), batchSize: 8, epochs: 1, verbose: 0, shuffle: false, callbacks: [pause]));
        pause.WaitUntilInside();
        Assert.Contains("lstm.ResetStates was called while Fit", Assert.Throws<InvalidOperationException>(() => model.Layers[0].ResetStates()).Message);
        Assert.Contains("ResetStates was called while Fit", Assert.Throws<InvalidOperationException>(model.ResetStates).Message);
        pause.Release();
        fit.Join();
        Assert.Null(fit.Error);
        model.Layers[0].ResetStates();
    }

    [SkippableFact]
    public void ModelsSharingADeviceRunOneCallAtATime()
    {
        using var first = NewModel("first");
        using var second = NewModel("second");
        var x = Inputs(5);
        var alone = second.Predict(x).Data;
        using var pause = new PauseInBatch();
        var fit = StartThread(() => first.Fit(x, Targets(), batchSize: 8, epochs: 1, verbose: 0, callbacks: [pause]));
        pause.WaitUntilInside();
        var e = Assert.Throws<InvalidOperationException>(() => second.Predict(x));
        Assert.StartsWith($"Model 'second': Predict was called while Fit of model 'first' is running on another thread on the same device ({fixture.Device})", e.Message);
        pause.Release();
        fit.Join();
        Assert.Null(fit.Error);
        Assert.Equal(alone, second.Predict(x).Data);
    }

    [SkippableFact]
    public void CallbacksOnTheFittingThreadMayUseTheModel()
    {
        using var model = NewModel();
        using var dir = new TempDirectory();
        var x = Inputs(6);
        var inside = new UseModelInside(x);
        model.Fit(x, Targets(), batchSize: 8, epochs: 2, verbose: 0,
            callbacks: [new ModelCheckpoint(dir.File("ckpt-{epoch}.safetensors"), monitor: "loss"), inside]);
        Assert.True(File.Exists(dir.File("ckpt-2.safetensors")));
        Assert.Equal(2, inside.Calls);
        // The last epoch's in-Fit prediction saw the final weights.
        Assert.Equal(model.Predict(x).Data, inside.LastPrediction);
        using var loaded = Sequential.Load(dir.File("ckpt-2.safetensors"), fixture.Device);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    private static ThreadResult StartThread(Action action)
    {
        var result = new ThreadResult();
        result.Thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                result.Error = e;
            }
        });
        result.Thread.Start();
        return result;
    }

    private sealed class ThreadResult
    {
        public Thread Thread { get; set; } = null!;
        public Exception? Error { get; set; }

        public void Join() => Assert.True(Thread.Join(TimeSpan.FromMinutes(2)), "the fitting thread did not finish");
    }

    /// <summary>Holds Fit inside its first batch until released, so another thread's call certainly overlaps it.</summary>
    private sealed class PauseInBatch : Callback, IDisposable
    {
        private readonly ManualResetEventSlim _inside = new(), _release = new();

        public override void OnBatchBegin(Model model, int batch)
        {
            if (batch != 0 || _inside.IsSet)
                return;
            _inside.Set();
            _release.Wait(TimeSpan.FromMinutes(1));
        }

        public void WaitUntilInside() => Assert.True(_inside.Wait(TimeSpan.FromMinutes(1)), "Fit never reached its first batch");

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
            _inside.Dispose();
            _release.Dispose();
        }
    }

    /// <summary>Calls Predict and GetWeights from inside Fit, on Fit's thread.</summary>
    private sealed class UseModelInside(HostArray x) : Callback
    {
        public int Calls { get; private set; }
        public float[]? LastPrediction { get; private set; }

        public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
        {
            LastPrediction = model.Predict(x).Data;
            Assert.Equal(model.Parameters!.Count, model.GetWeights().Sum(w => (long)w.Data.Length));
            Calls++;
        }
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuConcurrencyTests(CpuFixture fixture, ITestOutputHelper output) : ConcurrencyTests(fixture, output);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaConcurrencyTests(CudaFixture fixture, ITestOutputHelper output) : ConcurrencyTests(fixture, output);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClConcurrencyTests(OpenClFixture fixture, ITestOutputHelper output) : ConcurrencyTests(fixture, output);
