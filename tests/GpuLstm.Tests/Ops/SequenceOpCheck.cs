using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>One input of a sequence op under test: its name, values and shape.</summary>
public sealed record SequenceOpInput(string Name, float[] Values, int[] Shape);

/// <summary>
/// Checks a single-state sequence op (GRU, SimpleRNN) against its double-precision reference:
/// sequence and final h, then the grads of every input for L = sum(seq * rS) + sum(hT * rH)
/// against central finite differences of the reference.
/// </summary>
public static class SequenceOpCheck
{
    /// <param name="op">runs the op on device tensors, given in the order of <paramref name="inputs"/></param>
    /// <param name="reference">the reference on double copies of the inputs, same order (finite differences perturb them in place)</param>
    /// <param name="samples">0 checks every gradient element; otherwise that many sampled ones</param>
    public static void AgainstReference(ComputeDevice device, string what, SequenceOpInput[] inputs, int outputSeed,
        Func<Tape, Tensor[], RecurrentSequenceOutputs> op, Func<double[][], RefRecurrentResult> reference, int samples = 0)
    {
        using var tape = new Tape(device);
        var tensors = inputs.Select(i => tape.Own(Param(device, i))).ToArray();
        var outputs = op(tape, tensors);
        var d = inputs.Select(i => TestData.ToDouble(i.Values)).ToArray();
        var expected = reference(d);
        Compare.Close(what + " sequence", expected.Sequence, outputs.Sequence.ToArray());
        Compare.Close(what + " final h", expected.FinalH, outputs.FinalHidden.ToArray());

        var rS = TestData.Uniform(outputSeed, expected.Sequence.Length);
        var rH = TestData.Uniform(outputSeed + 1, expected.FinalH.Length);
        using var seedS = Tensor.FromArray(device, rS, outputs.Sequence.Shape);
        using var seedH = Tensor.FromArray(device, rH, outputs.FinalHidden.Shape);
        tape.Backward((outputs.Sequence, seedS), (outputs.FinalHidden, seedH));
        double Loss()
        {
            var r = reference(d);
            double s = 0;
            for (int i = 0; i < r.Sequence.Length; i++) s += r.Sequence[i] * rS[i];
            for (int i = 0; i < r.FinalH.Length; i++) s += r.FinalH[i] * rH[i];
            return s;
        }
        for (int k = 0; k < tensors.Length; k++)
        {
            Assert.True(tensors[k].GradValid, $"{what}: no gradient reached {inputs[k].Name}");
            GradCheck.AgainstFiniteDifferences($"{what} {inputs[k].Name}", d[k], tensors[k].Grad!.ToArray(), Loss, samples, seed: k);
        }
        tape.Reset();
    }

    /// <summary>[T, B]: row 0 full length, row 1 padded after 4 steps, row 2 with a hole at t = 1 and a padded last step.</summary>
    public static float[] PaddedMask(int steps, int batch)
    {
        var mask = new float[steps * batch];
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
                mask[t * batch + b] = b switch { 0 => 1, 1 => t < 4 ? 1 : 0, _ => t == 1 || t == steps - 1 ? 0 : 1 };
        return mask;
    }

    /// <summary>Inverted-dropout values as DropoutOp.Mask makes them: 0 with probability rate, else 1/(1-rate).</summary>
    public static float[] DropMask(int seed, int count, float rate = 0.3f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextDouble() < rate ? 0f : 1f / (1f - rate)).ToArray();
    }

    /// <summary>Largest difference between two references' sequences: a dropout test's masks must change the result.</summary>
    public static double SequenceDifference(RefRecurrentResult a, RefRecurrentResult b) =>
        a.Sequence.Zip(b.Sequence).Max(p => Math.Abs(p.First - p.Second));

    private static Tensor Param(ComputeDevice device, SequenceOpInput input)
    {
        var t = Tensor.FromArray(device, input.Values, input.Shape, input.Name);
        t.RequiresGrad = true;
        return t;
    }
}
