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
}
