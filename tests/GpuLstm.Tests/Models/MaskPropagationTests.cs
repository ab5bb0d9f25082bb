using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>The padding mask travels with the activations (Keras semantics), not as shared state.</summary>
public sealed class MaskPropagationTests
{
    [Fact]
    public void MaskFollowsTheTimeAxisAndEndsWithIt()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var embedding = new Embedding(10, 4, maskZero: true);
        var sequences = new Lstm(3, returnSequences: true);
        var last = new Lstm(2);
        using var parameters = LayerWeights.Create(device, 1, (embedding, "embedding", [5]), (sequences, "lstm", [5, 4]), (last, "lstm_1", [5, 3]));
        using var tape = new Tape(device);
        var context = new LayerContext(tape, training: false, new Random(1));
        var x = tape.Own(Tensor.FromArray(device, [1, 2, 0, 0, 0, 3, 4, 5, 0, 0], [2, 5], "ids"));

        var embedded = embedding.ForwardOn(context, x);
        Assert.NotNull(embedded.Mask);
        Assert.Equal([1f, 1f, 0f, 0f, 0f, 1f, 1f, 1f, 0f, 0f], embedded.Mask!.ToArray());
        var hidden = sequences.ForwardOn(context, embedded);
        Assert.Same(embedded.Mask, hidden.Mask);
        var final = last.ForwardOn(context, hidden);
        Assert.Null(final.Mask);

        // A second, unmasked input through the same context is not affected by the first one's mask.
        var plain = tape.Own(Tensor.FromArray(device, new float[2 * 5 * 4], [2, 5, 4], "plain"));
        Assert.Null(sequences.ForwardOn(context, plain).Mask);
    }

    [Fact]
    public void AMaskOfTheWrongShapeIsRejected()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var t = Tensor.Zeros(device, [2, 5, 4], "activations");
        using var wrong = Tensor.Zeros(device, [2, 4], "mask");
        var e = Assert.Throws<ArgumentException>(() => t.WithMask(wrong));
        Assert.Contains("activations", e.Message);
        Assert.Contains("[2, 5]", e.Message);
    }

    [Fact]
    public void MaskedBidirectionalSequencesAreZeroAtPaddedStepsAsInKeras3()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var embedding = new Embedding(10, 4, maskZero: true);
        var bi = new Bidirectional(new Lstm(3, returnSequences: true));
        using var parameters = LayerWeights.Create(device, 1, (embedding, "embedding", [5]), (bi, "bidirectional", [5, 4]));
        using var tape = new Tape(device);
        var context = new LayerContext(tape, training: false, new Random(1));
        var x = tape.Own(Tensor.FromArray(device, [1, 2, 0, 0, 0, 3, 4, 5, 6, 0], [2, 5], "ids"));
        var y = bi.ForwardOn(context, embedding.ForwardOn(context, x)).ToArray(); // [2, 5, 6]
        bool[] real = [true, true, false, false, false, true, true, true, true, false];
        for (int step = 0; step < 10; step++)
        {
            var row = y.AsSpan(step * 6, 6).ToArray();
            if (real[step])
                Assert.Contains(row, v => v != 0f);
            else
                Assert.All(row, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void ZeroingMaskedStepsPassesGradientsOnlyAtRealSteps()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var tape = new Tape(device);
        var x = tape.Own(Tensor.FromArray(device, Enumerable.Range(1, 12).Select(i => (float)i).ToArray(), [2, 3, 2], "x"));
        x.RequiresGrad = true;
        var mask = tape.Own(Tensor.FromArray(device, [1f, 1f, 0f, 1f, 0f, 0f], [2, 3], "mask"));
        var y = GpuLstm.Ops.MaskOp.ZeroMaskedSteps(tape, x, mask);
        Assert.Equal([1f, 2f, 3f, 4f, 0f, 0f, 7f, 8f, 0f, 0f, 0f, 0f], y.ToArray());
        Assert.Same(mask, y.Mask);
        using var seed = Tensor.FromArray(device, Enumerable.Repeat(2f, 12).ToArray(), [2, 3, 2]);
        tape.Backward((y, seed));
        Assert.Equal([2f, 2f, 2f, 2f, 0f, 0f, 2f, 2f, 0f, 0f, 0f, 0f], x.Grad!.ToArray());
    }
}
