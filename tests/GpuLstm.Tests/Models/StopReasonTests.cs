using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>
/// When Fit stops on a non-finite loss, History.StopReason says truthfully whether the weights it
/// leaves are finite: finite data can still overflow an update a step before the loss shows it.
/// </summary>
public abstract class StopReasonTests(DeviceFixture fixture)
{
    private const int N = 16;
    private ComputeDevice Device => fixture.Device;

    private static readonly HostArray X = new(TestData.Uniform(1, N * 2, scale: 10f), N, 2);                              // [N, 2]
    private static readonly HostArray Y = new(Enumerable.Range(0, N).Select(i => (i - 8) * 10f).ToArray(), N, 1);     // [N, 1]

    private Sequential Regression(float learningRate)
    {
        var model = new Sequential(device: Device, seed: 1);
        model.Add(new Dense(1, inputShape: [2]));
        model.Compile(new Sgd(learningRate), "mean_squared_error");
        return model;
    }

    /// <summary>The StopReason's claim about the weights must match the weights themselves.</summary>
    private static void AssertTruthful(Model model, string reason)
    {
        var values = model.GetWeights().SelectMany(w => w.Data).ToArray();
        int bad = values.Count(v => !float.IsFinite(v));
        if (bad == 0)
        {
            Assert.Contains("are all finite", reason);
            Assert.DoesNotContain("NaN or infinite", reason);
        }
        else
        {
            Assert.Contains($"but {bad} of {values.Length} weights are already NaN or infinite", reason);
            Assert.DoesNotContain("all finite", reason);
        }
    }

    [SkippableFact]
    public void AnOverflowingUpdateIsReportedAsNonFiniteWeights()
    {
        // Step 1's loss is finite, but its update (learning rate near float.MaxValue) overflows the
        // kernel; step 2's loss is then not finite and Fit stops with those weights in place.
        using var model = Regression(1e38f);
        var history = model.Fit(X, Y, batchSize: N / 2, epochs: 1, shuffle: false, verbose: 0);
        Assert.NotNull(history.StopReason);
        Assert.Contains("epoch 1, step 2", history.StopReason);
        Assert.Contains("dense/kernel", history.StopReason);
        AssertTruthful(model, history.StopReason);
        Assert.Contains(model.GetWeights()[0].Data, v => !float.IsFinite(v)); // the case the message must not hide
    }

    [SkippableFact]
    public void ALossThatOverflowsFromFiniteWeightsSaysTheyAreFinite()
    {
        // Step 1 makes the weights large but finite; step 2's squared error overflows to +Infinity.
        using var model = Regression(1e17f);
        var history = model.Fit(X, Y, batchSize: N / 2, epochs: 1, shuffle: false, verbose: 0);
        Assert.NotNull(history.StopReason);
        AssertTruthful(model, history.StopReason);
        Assert.All(model.GetWeights().SelectMany(w => w.Data), v => Assert.True(float.IsFinite(v)));
    }

    [SkippableFact]
    public void InfinityInXPastTheCheckIsReportedTruthfully()
    {
        // Issue 10 item 9: +Inf in x with the check off. The LSTM's first step has a finite loss
        // (saturated gates) but NaN kernel gradients, so the weights are NaN when the loss turns NaN.
        using var model = new Sequential(device: Device, seed: 2);
        model.Add(new Lstm(4, inputShape: (3, 2)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        model.CheckData = false;
        var data = TestData.Uniform(3, N * 3 * 2);
        data[5] = float.PositiveInfinity;
        var history = model.Fit(new HostArray(data, N, 3, 2), new HostArray(Enumerable.Range(0, N).Select(i => (float)(i % 2)).ToArray(), N, 1),
            batchSize: 4, epochs: 3, shuffle: false, verbose: 0);
        Assert.NotNull(history.StopReason);
        Assert.Contains("lstm/kernel", history.StopReason); // the row of the infinite feature
        Assert.Contains("with Model.CheckData off", history.StopReason);
        AssertTruthful(model, history.StopReason);
        Assert.Contains(model.GetWeights()[0].Data, v => !float.IsFinite(v));
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuStopReasonTests(CpuFixture fixture) : StopReasonTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaStopReasonTests(CudaFixture fixture) : StopReasonTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClStopReasonTests(OpenClFixture fixture) : StopReasonTests(fixture);
