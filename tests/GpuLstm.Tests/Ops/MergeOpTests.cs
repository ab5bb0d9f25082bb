using GpuLstm.Autograd;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>Bidirectional's merge modes: values and gradients against a double reference.</summary>
public abstract class MergeOpTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData("concat")]
    [InlineData("sum")]
    [InlineData("mul")]
    [InlineData("ave")]
    public void MergeMatchesReference(string mode)
    {
        var device = fixture.Device;
        int rows = 6, cols = 4;
        var a = TestData.Uniform(81, rows * cols);
        var b = TestData.Uniform(82, rows * cols);
        int outCols = mode == "concat" ? 2 * cols : cols;
        var r = TestData.Uniform(83, rows * outCols);
        using var tape = new Tape(device);
        using var ta = Tensor.FromArray(device, a, [2, 3, cols], "a");
        using var tb = Tensor.FromArray(device, b, [2, 3, cols], "b");
        ta.RequiresGrad = tb.RequiresGrad = true;
        var y = MergeOp.Forward(tape, ta, tb, MergeModes.Parse(mode, "test"));
        double[] da = TestData.ToDouble(a), db = TestData.ToDouble(b);
        double[] Ref()
        {
            var o = new double[rows * outCols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                {
                    double p = da[i * cols + j], q = db[i * cols + j];
                    if (mode == "concat")
                    {
                        o[i * outCols + j] = p;
                        o[i * outCols + cols + j] = q;
                    }
                    else
                    {
                        o[i * cols + j] = mode switch { "sum" => p + q, "mul" => p * q, _ => (p + q) / 2 };
                    }
                }
            return o;
        }
        Compare.Close($"{mode} merge", Ref(), y.ToArray(), 1e-6, 1e-6);
        using var seed = Tensor.FromArray(device, r, y.Shape);
        tape.Backward((y, seed));
        double Loss() => Ref().Select((v, i) => v * r[i]).Sum();
        GradCheck.AgainstFiniteDifferences($"{mode} a", da, ta.Grad!.ToArray(), Loss);
        GradCheck.AgainstFiniteDifferences($"{mode} b", db, tb.Grad!.ToArray(), Loss);
        tape.Reset();
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuMergeOpTests(CpuFixture fixture) : MergeOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedMergeOpTests(CpuLaunchedFixture fixture) : MergeOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaMergeOpTests(CudaFixture fixture) : MergeOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClMergeOpTests(OpenClFixture fixture) : MergeOpTests(fixture);
