using GpuLstm.Autograd;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Models;

/// <summary>
/// Bidirectional(GRU) on a masked batch, concat: each direction equals the reference GRU run on
/// the sample's real steps only (the backward one on them reversed, its outputs put back in time
/// order), and padded steps are zero in both halves (Keras 3).
/// </summary>
public abstract class BidirectionalGruTests(DeviceFixture fixture)
{
    private const int Batch = 2, Steps = 5, Features = 4, Units = 3;
    private static readonly int[] Lengths = [3, 5];

    [SkippableTheory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void MaskedConcatMatchesTheReferenceOnTheRealSteps(bool returnSequences, bool resetAfter)
    {
        var device = fixture.Device;
        var bi = new Bidirectional(new Gru(Units, returnSequences: returnSequences, resetAfter: resetAfter));
        using var parameters = LayerWeights.Create(device, 3, (bi, "bidirectional", [Steps, Features]));
        foreach (var direction in new[] { "forward", "backward" }) // the initializer's zero biases would test nothing
        {
            var b = parameters[$"bidirectional/{direction}_gru/bias"];
            b.CopyFrom(TestData.Uniform(direction.Length, (int)b.Length, 0.5f));
        }
        using var tape = new Tape(device);
        var x = TestData.Uniform(5, Batch * Steps * Features);
        var mask = new float[Batch * Steps];
        for (int b = 0; b < Batch; b++)
            for (int t = 0; t < Lengths[b]; t++)
                mask[b * Steps + t] = 1;
        var tx = tape.Own(Tensor.FromArray(device, x, [Batch, Steps, Features], "x"))
            .WithMask(tape.Own(Tensor.FromArray(device, mask, [Batch, Steps], "mask")));
        var y = bi.ForwardOn(new LayerContext(tape, training: false, new Random(1)), tx).ToArray();

        double[] W(string direction, string weight) => TestData.ToDouble(parameters[$"bidirectional/{direction}_gru/{weight}"].ToArray());
        var expected = new double[y.Length];
        for (int b = 0; b < Batch; b++)
        {
            int length = Lengths[b];
            var forward = Run(x, b, length, reverse: false, W("forward", "kernel"), W("forward", "recurrent_kernel"), W("forward", "bias"), resetAfter);
            var backward = Run(x, b, length, reverse: true, W("backward", "kernel"), W("backward", "recurrent_kernel"), W("backward", "bias"), resetAfter);
            if (!returnSequences)
            {
                Array.Copy(forward.FinalH, 0, expected, b * 2 * Units, Units);
                Array.Copy(backward.FinalH, 0, expected, b * 2 * Units + Units, Units);
                continue;
            }
            for (int t = 0; t < length; t++) // padded steps stay zero
            {
                Array.Copy(forward.Sequence, t * Units, expected, (b * Steps + t) * 2 * Units, Units);
                Array.Copy(backward.Sequence, (length - 1 - t) * Units, expected, (b * Steps + t) * 2 * Units + Units, Units);
            }
        }
        Compare.Close($"bidirectional gru (sequences {returnSequences}, reset_after {resetAfter})", expected, y);
        tape.Reset();
    }

    /// <summary>The reference GRU on sample b's first <paramref name="length"/> steps (batch of one), reversed if asked.</summary>
    private static RefRecurrentResult Run(float[] x, int b, int length, bool reverse, double[] w, double[] u, double[] bias, bool resetAfter)
    {
        var steps = new double[length * Features];
        for (int t = 0; t < length; t++)
            for (int f = 0; f < Features; f++)
                steps[t * Features + f] = x[(b * Steps + (reverse ? length - 1 - t : t)) * Features + f];
        return RefGru.Forward(length, 1, Features, Units, steps, w, u, bias, new double[Units], resetAfter);
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuBidirectionalGruTests(CpuFixture fixture) : BidirectionalGruTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaBidirectionalGruTests(CudaFixture fixture) : BidirectionalGruTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClBidirectionalGruTests(OpenClFixture fixture) : BidirectionalGruTests(fixture);
