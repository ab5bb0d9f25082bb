using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>What one LSTM-op run uses: sizes and which optional parts are on.</summary>
public sealed record LstmOpCase(int Steps, int Batch, int Inputs, int Hidden, bool Mask = false, bool Dropout = false,
    bool InitialState = false, bool SequenceGrad = false, int CellActivation = ActivationCode.Tanh, int RecurrentActivation = ActivationCode.Sigmoid);

/// <summary>
/// One forward and backward of LstmSequenceOp on fixed seeded inputs, for tests that hold one path against another
/// on the same inputs: every output and gradient by name, and the kernels that ran, one name per launch (from the profiler).
/// </summary>
public static class LstmOpRun
{
    public static (Dictionary<string, float[]> Values, List<string> Kernels) Run(ComputeDevice device, LstmOpCase c)
    {
        var profiler = device.EnableProfiling();
        profiler.Reset();
        try
        {
            var (steps, batch, inputs, hidden) = (c.Steps, c.Batch, c.Inputs, c.Hidden);
            int g4 = 4 * hidden;
            using var tape = new Tape(device);
            using var x = TestData.Param(device, TestData.Uniform(1, steps * batch * inputs), [steps, batch, inputs], "x");
            using var w = TestData.Param(device, TestData.Uniform(2, inputs * g4, 0.5f), [inputs, g4], "kernel");
            using var u = TestData.Param(device, TestData.Uniform(3, hidden * g4, 0.5f), [hidden, g4], "recurrent_kernel");
            using var b = TestData.Param(device, TestData.Uniform(4, g4, 0.5f), [g4], "bias");
            using var h0 = c.InitialState ? TestData.Param(device, TestData.Uniform(5, batch * hidden, 0.5f), [batch, hidden], "h0") : null;
            using var c0 = c.InitialState ? TestData.Param(device, TestData.Uniform(6, batch * hidden, 0.5f), [batch, hidden], "c0") : null;
            // Masked: row r is padded from step 1 + r % T on, except every third row: rows of every length, some never padded.
            var maskValues = new float[steps * batch];
            for (int t = 0; t < steps; t++)
                for (int r = 0; r < batch; r++)
                    maskValues[t * batch + r] = r % 3 == 0 || t < 1 + r % steps ? 1f : 0f;
            using var m = c.Mask ? Tensor.FromArray(device, maskValues, [steps, batch]) : null;
            // Keras-style inverted recurrent dropout masks per gate: 0 or 1 / (1 - rate), rate 0.25.
            var rng = new Random(17);
            var dropValues = Enumerable.Range(0, batch * g4).Select(_ => rng.NextDouble() < 0.25 ? 0f : 1f / 0.75f).ToArray();
            using var recurrentMask = c.Dropout ? Tensor.FromArray(device, dropValues, [batch, g4]) : null;
            var outputs = LstmSequenceOp.Forward(tape, x, w, u, b, h0, c0, c.CellActivation, c.RecurrentActivation, mask: m,
                recurrentDropoutMask: recurrentMask);

            using var seedS = Tensor.FromArray(device, TestData.Uniform(7, steps * batch * hidden), outputs.Sequence.Shape);
            using var seedH = Tensor.FromArray(device, TestData.Uniform(8, batch * hidden), outputs.FinalHidden.Shape);
            using var seedC = Tensor.FromArray(device, TestData.Uniform(9, batch * hidden), outputs.FinalCell.Shape);
            if (c.SequenceGrad)
                tape.Backward((outputs.Sequence, seedS), (outputs.FinalHidden, seedH), (outputs.FinalCell, seedC));
            else
                tape.Backward((outputs.FinalHidden, seedH));
            var values = new Dictionary<string, float[]>
            {
                ["sequence"] = outputs.Sequence.ToArray(), ["final h"] = outputs.FinalHidden.ToArray(), ["final c"] = outputs.FinalCell.ToArray(),
                ["dx"] = x.Grad!.ToArray(), ["dkernel"] = w.Grad!.ToArray(), ["drecurrent_kernel"] = u.Grad!.ToArray(), ["dbias"] = b.Grad!.ToArray(),
            };
            if (c.InitialState)
            {
                values["dh0"] = h0!.Grad!.ToArray();
                values["dc0"] = c0!.Grad!.ToArray();
            }
            var kernels = profiler.Report().SelectMany(r => Enumerable.Repeat(r.Kernel, (int)r.Launches)).ToList(); // one name per launch
            tape.Reset();
            return (values, kernels);
        }
        finally
        {
            device.DisableProfiling();
        }
    }

    /// <summary>Every value of <paramref name="actual"/> against <paramref name="expected"/>, naming the path.</summary>
    public static void Close(string path, Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            Compare.Close($"{path}, {name}", values, actual[name], absTol: 2e-5, relTol: 2e-4);
    }
}
