using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The GRU on the grid recurrence (GruGridKernels, reset_after) in step mode and persistent against its GEMM path on
/// the same device and inputs: outputs, final state and every gradient, with masks, recurrent dropout, an initial
/// state and sequence gradients; reset_before keeps the GEMM path and says so. Written once, run per accelerator.
/// </summary>
public abstract class GruGridRecurrenceTests(DeviceFixture fixture)
{
    public static TheoryData<RecurrenceMode, int, int, int, int, bool, bool, bool> Cases()
    {
        var data = new TheoryData<RecurrenceMode, int, int, int, int, bool, bool, bool>();
        foreach (var mode in new[] { RecurrenceMode.Stepwise, RecurrenceMode.Persistent })
        {
            data.Add(mode, 5, 3, 4, 6, false, false, true);
            data.Add(mode, 6, 4, 3, 9, true, false, true);   // masks
            data.Add(mode, 4, 3, 5, 7, false, true, false);  // recurrent dropout
            data.Add(mode, 5, 5, 2, 33, true, true, true);   // both
            data.Add(mode, 1, 2, 3, 4, false, false, true);  // one step
            data.Add(mode, 4, 1, 2, 13, false, false, true); // B = 1: each element's products split over threads, backward too
            data.Add(mode, 40, 5, 2, 33, false, false, false); // long: several groups, many grid barriers
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void GridRecurrenceMatchesTheGemmPath(RecurrenceMode mode, int steps, int batch, int inputs, int hidden, bool mask, bool dropout,
        bool initialState)
    {
        var device = fixture.Device;
        device.Pool.PoisonRented = true;
        try
        {
            using (RecurrenceScope.Use(device, RecurrenceMode.Gemm))
            {
                var (expected, gemmKernels) = Run(device, steps, batch, inputs, hidden, mask, dropout, initialState, resetAfter: true);
                using var _ = RecurrenceScope.Use(device, mode);
                var plan = device.GruRecurrencePath(true, batch, hidden, dropout)!;
                Assert.Equal(mode == RecurrenceMode.Persistent, plan.Persistent);
                var (actual, gridKernels) = Run(device, steps, batch, inputs, hidden, mask, dropout, initialState, resetAfter: true);
                Assert.Contains("GruForward", gemmKernels);
                Assert.Equal(plan.Persistent ? 1 : steps, gridKernels.Count(k => k == "GruGridForward"));
                Assert.Equal(plan.Persistent ? 1 : steps, gridKernels.Count(k => k == "GruGridBackward"));
                Assert.DoesNotContain("GruForward", gridKernels);
                Assert.DoesNotContain("GruBackward", gridKernels);
                LstmOpRun.Close($"GRU {RecurrenceModeChoice.Name(mode)} ({plan.Groups} groups of {plan.GroupSize}, {plan.Units} units, " +
                    $"split {plan.SplitK})", expected, actual);
            }
        }
        finally
        {
            device.Pool.PoisonRented = false;
        }
    }

    [SkippableFact]
    public void ResetBeforeKeepsTheGemmPath()
    {
        var device = fixture.Device;
        using var _ = RecurrenceScope.Use(device, RecurrenceMode.Persistent);
        Assert.Null(device.GruRecurrencePath(false, 3, 4, false));
        var (_, kernels) = Run(device, 3, 2, 3, 4, false, false, false, resetAfter: false);
        Assert.Contains("GruForward", kernels);
        Assert.DoesNotContain("GruGridForward", kernels);
    }

    /// <summary>One forward and backward of GruSequenceOp on seeded inputs: values by name, kernels one name per launch.</summary>
    private static (Dictionary<string, float[]> Values, List<string> Kernels) Run(ComputeDevice device, int steps, int batch, int inputs,
        int hidden, bool mask, bool dropout, bool initialState, bool resetAfter)
    {
        var profiler = device.EnableProfiling();
        profiler.Reset();
        try
        {
            int g3 = 3 * hidden;
            using var tape = new Tape(device);
            using var x = TestData.Param(device, TestData.Uniform(21, steps * batch * inputs), [steps, batch, inputs], "x");
            using var w = TestData.Param(device, TestData.Uniform(22, inputs * g3, 0.5f), [inputs, g3], "kernel");
            using var u = TestData.Param(device, TestData.Uniform(23, hidden * g3, 0.5f), [hidden, g3], "recurrent_kernel");
            int[] biasShape = resetAfter ? [2, g3] : [g3];
            using var b = TestData.Param(device, TestData.Uniform(24, biasShape.Aggregate(1, (p, d) => p * d), 0.5f), biasShape, "bias");
            using var h0 = initialState ? TestData.Param(device, TestData.Uniform(25, batch * hidden, 0.5f), [batch, hidden], "h0") : null;
            var maskValues = new float[steps * batch];
            for (int t = 0; t < steps; t++)
                for (int r = 0; r < batch; r++)
                    maskValues[t * batch + r] = r % 3 == 0 || t < 1 + r % steps ? 1f : 0f;
            using var m = mask ? Tensor.FromArray(device, maskValues, [steps, batch]) : null;
            var rng = new Random(29);
            var dropValues = Enumerable.Range(0, batch * g3).Select(_ => rng.NextDouble() < 0.25 ? 0f : 1f / 0.75f).ToArray();
            using var recurrentMask = dropout ? Tensor.FromArray(device, dropValues, [batch, g3]) : null;
            var outputs = GruSequenceOp.Forward(tape, x, w, u, b, h0, resetAfter, mask: m, recurrentDropoutMask: recurrentMask);
            using var seedS = Tensor.FromArray(device, TestData.Uniform(27, steps * batch * hidden), outputs.Sequence.Shape);
            using var seedH = Tensor.FromArray(device, TestData.Uniform(28, batch * hidden), outputs.FinalHidden.Shape);
            tape.Backward((outputs.Sequence, seedS), (outputs.FinalHidden, seedH));
            var values = new Dictionary<string, float[]>
            {
                ["sequence"] = outputs.Sequence.ToArray(), ["final h"] = outputs.FinalHidden.ToArray(), ["dx"] = x.Grad!.ToArray(),
                ["dkernel"] = w.Grad!.ToArray(), ["drecurrent_kernel"] = u.Grad!.ToArray(), ["dbias"] = b.Grad!.ToArray(),
            };
            if (initialState)
                values["dh0"] = h0!.Grad!.ToArray();
            var kernels = profiler.Report().SelectMany(r => Enumerable.Repeat(r.Kernel, (int)r.Launches)).ToList();
            tape.Reset();
            return (values, kernels);
        }
        finally
        {
            device.DisableProfiling();
        }
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuGruGridRecurrenceTests(CpuFixture fixture) : GruGridRecurrenceTests(fixture);

[Collection(Accelerators.CpuGrid), Trait(Accelerators.Trait, Accelerators.CpuGrid)]
public sealed class CpuGridGruGridRecurrenceTests(CpuGridFixture fixture) : GruGridRecurrenceTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaGruGridRecurrenceTests(CudaFixture fixture) : GruGridRecurrenceTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClGruGridRecurrenceTests(OpenClFixture fixture) : GruGridRecurrenceTests(fixture);
