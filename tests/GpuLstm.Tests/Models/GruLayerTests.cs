using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>GRU and SimpleRNN as layers: initial and carried states, Keras initializers, and errors that name the layer.</summary>
public sealed class GruLayerTests
{
    public static TheoryData<string> Kinds => new() { "gru", "simple_rnn" };

    private static RecurrentLayer Make(string kind, bool stateful = false) =>
        kind == "gru" ? new Gru(4, stateful: stateful) : new SimpleRnn(4, stateful: stateful);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StatefulLayerContinuesFromTheLastBatchAsOneLongSequence(string kind)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var whole = Make(kind);
        var halves = Make(kind, stateful: true);
        using var p1 = LayerWeights.Create(device, 7, (whole, kind, [6, 3]));
        using var p2 = LayerWeights.Create(device, 7, (halves, kind, [3, 3]));
        var x = TestData.Uniform(1, 2 * 6 * 3);
        using var tape = new Tape(device);
        var context = new LayerContext(tape, training: false, new Random(1));
        var full = whole.Call(context, tape.Own(Tensor.FromArray(device, x, [2, 6, 3]))).Output.ToArray();
        float[] Half(int first) => Enumerable.Range(0, 2).SelectMany(b => x.AsSpan((b * 6 + first) * 3, 9).ToArray()).ToArray();
        halves.Call(context, tape.Own(Tensor.FromArray(device, Half(0), [2, 3, 3])));
        var second = halves.Call(context, tape.Own(Tensor.FromArray(device, Half(3), [2, 3, 3]))).Output.ToArray();
        Compare.Close($"stateful {kind}", full, second, 1e-6, 1e-5);

        halves.ResetStates(); // from zeros again: the second half alone differs from the continuation
        var fresh = halves.Call(context, tape.Own(Tensor.FromArray(device, Half(3), [2, 3, 3]))).Output.ToArray();
        Assert.NotEqual(second, fresh);
        halves.ReleaseDeviceState();
    }

    [Fact]
    public void GruTakesOneInitialStateAndSaysSoOtherwise()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var gru = new Gru(4);
        using var parameters = LayerWeights.Create(device, 1, (gru, "decoder", [3, 2]));
        using var tape = new Tape(device);
        var context = new LayerContext(tape, training: false, new Random(1));
        var x = tape.Own(Tensor.FromArray(device, TestData.Uniform(2, 2 * 3 * 2), [2, 3, 2]));
        var h0 = tape.Own(Tensor.FromArray(device, TestData.Uniform(3, 2 * 4), [2, 4]));
        var fromZero = gru.Call(context, x).Output.ToArray();
        var fromH0 = gru.Call(context, x, [h0]);
        Assert.NotEqual(fromZero, fromH0.Output.ToArray());
        Assert.Single(fromH0.States);
        var e = Assert.Throws<ArgumentException>(() => gru.Call(context, x, [h0, h0]));
        Assert.Contains("decoder (GRU)", e.Message);
        Assert.Contains("expected 1 initial state", e.Message);
    }

    [Fact]
    public void InitializersFollowKeras()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var gru = new Gru(4);
        using var parameters = LayerWeights.Create(device, 1, (gru, "gru", [3, 5]));
        var kernel = parameters["gru/kernel"].ToArray();
        double limit = Math.Sqrt(6.0 / (5 + 12)); // glorot_uniform over [5, 12]
        Assert.All(kernel, v => Assert.InRange(Math.Abs(v), 0, limit));
        Assert.Equal(new float[24], parameters["gru/bias"].ToArray()); // zeros, [2, 12]
        var u = parameters["gru/recurrent_kernel"].ToArray(); // orthogonal [4, 12]: orthonormal rows
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 4; k++)
            {
                double dot = Enumerable.Range(0, 12).Sum(j => (double)u[i * 12 + j] * u[k * 12 + j]);
                Assert.Equal(i == k ? 1 : 0, dot, 5);
            }
    }

    [Fact]
    public void UnsupportedAndUnknownSettingsNameTheLayer()
    {
        var a = Assert.Throws<ArgumentException>(() => new Gru(4, recurrentDropout: 1f));
        Assert.Contains("GRU: recurrentDropout must be in [0, 1)", a.Message);
        a = Assert.Throws<ArgumentException>(() => new SimpleRnn(4, recurrentDropout: -0.1f));
        Assert.Contains("SimpleRNN: recurrentDropout", a.Message);
        a = Assert.Throws<ArgumentException>(() => new Gru(4, recurrentActivation: "swish"));
        Assert.Contains("GRU", a.Message);
        Assert.Contains("hard_sigmoid", a.Message);
        a = Assert.Throws<ArgumentException>(() => new SimpleRnn(0));
        Assert.Contains("SimpleRNN: units", a.Message);
        using var model = new Sequential();
        model.Add(new Dense(4, inputShape: [5]));
        a = Assert.Throws<ArgumentException>(() => model.Add(new Gru(3)));
        Assert.Contains("gru (GRU)", a.Message);
    }
}
