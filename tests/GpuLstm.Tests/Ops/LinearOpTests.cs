using GpuLstm.Autograd;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.Ops;

/// <summary>Dense (x W + b, activation) and the axis swap against double references and finite differences.</summary>
public abstract class LinearOpTests(DeviceFixture fixture)
{
    [SkippableTheory]
    [InlineData(ActivationCode.Linear, true)]
    [InlineData(ActivationCode.Sigmoid, true)]
    [InlineData(ActivationCode.Tanh, false)]
    [InlineData(ActivationCode.Relu, true)]
    [InlineData(ActivationCode.HardSigmoid, true)]
    public void ForwardAndGradientsMatchReference(int activation, bool withBias)
    {
        var device = fixture.Device;
        int rows = 7, inF = 5, outF = 3;
        var x = TestData.Uniform(21, rows * inF);
        var w = TestData.Uniform(22, inF * outF);
        var b = TestData.Uniform(23, outF);
        var r = TestData.Uniform(24, rows * outF);
        using var tape = new Tape(device);
        using var tx = Requiring(Tensor.FromArray(device, x, [rows, inF], "x"));
        using var tw = Requiring(Tensor.FromArray(device, w, [inF, outF], "w"));
        using var tb = Requiring(Tensor.FromArray(device, b, [outF], "b"));
        var y = LinearOp.Forward(tape, tx, tw, withBias ? tb : null, activation);

        double[] dx = TestData.ToDouble(x), dw = TestData.ToDouble(w), db = TestData.ToDouble(b);
        double[] Ref()
        {
            var o = new double[rows * outF];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < outF; j++)
                {
                    double s = withBias ? db[j] : 0;
                    for (int k = 0; k < inF; k++)
                        s += dx[i * inF + k] * dw[k * outF + j];
                    o[i * outF + j] = RefActivation.Apply(activation, s);
                }
            return o;
        }
        Compare.Close("dense output", Ref(), y.ToArray());

        using var seed = Tensor.FromArray(device, r, y.Shape);
        tape.Backward((y, seed));
        double Loss() => Ref().Select((v, i) => v * r[i]).Sum();
        GradCheck.AgainstFiniteDifferences("x", dx, tx.Grad!.ToArray(), Loss);
        GradCheck.AgainstFiniteDifferences("w", dw, tw.Grad!.ToArray(), Loss);
        if (withBias)
            GradCheck.AgainstFiniteDifferences("b", db, tb.Grad!.ToArray(), Loss);
        tape.Reset();
    }

    [SkippableFact]
    public void GradientsAccumulateAcrossUses()
    {
        // y = x W used twice: dW must be the sum of both contributions (beta = 1 on the second write).
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var x = Tensor.FromArray(device, [1f, 2f, 3f, 4f], [2, 2]);
        using var w = Requiring(Tensor.FromArray(device, [0.5f, -1f, 2f, 0.25f], [2, 2], "w"));
        var y1 = LinearOp.Forward(tape, x, w, null);
        var y2 = LinearOp.Forward(tape, x, w, null);
        using var ones = Tensor.FromArray(device, [1f, 1f, 1f, 1f], [2, 2]);
        tape.Backward((y1, ones), (y2, ones));
        // dW = 2 * x^T * ones = 2 * [[4, 4], [6, 6]]
        Compare.Close("dW", new float[] { 8, 8, 12, 12 }, w.Grad!.ToArray());
        tape.Reset();
    }

    [SkippableTheory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void SwapAxesRoundTripsValuesAndGradients(int reverseAxis)
    {
        var device = fixture.Device;
        int d0 = 3, d1 = 4, inner = 5;
        var x = TestData.Uniform(31, d0 * d1 * inner);
        var r = TestData.Uniform(32, d0 * d1 * inner);
        using var tape = new Tape(device);
        using var tx = Requiring(Tensor.FromArray(device, x, [d0, d1, inner], "x"));
        var y = SwapAxesOp.Forward(tape, tx, reverseAxis);
        Assert.Equal(new[] { d1, d0, inner }, y.Shape);
        var expected = new float[x.Length];
        var expectedGrad = new float[x.Length];
        for (int i = 0; i < d0; i++)
            for (int j = 0; j < d1; j++)
                for (int k = 0; k < inner; k++)
                {
                    int si = reverseAxis == 0 ? d0 - 1 - i : i, sj = reverseAxis == 1 ? d1 - 1 - j : j;
                    expected[(j * d0 + i) * inner + k] = x[(si * d1 + sj) * inner + k];
                    expectedGrad[(si * d1 + sj) * inner + k] = r[(j * d0 + i) * inner + k];
                }
        Compare.Close("swapped", expected, y.ToArray(), 0, 0);
        using var seed = Tensor.FromArray(device, r, y.Shape);
        tape.Backward((y, seed));
        Compare.Close("swapped grad", expectedGrad, tx.Grad!.ToArray(), 0, 0);
        tape.Reset();
    }

    [SkippableFact]
    public void WrongInputWidthNamesLayerAndShapes()
    {
        var device = fixture.Device;
        using var tape = new Tape(device);
        using var x = Tensor.Zeros(device, [2, 6]);
        using var w = Tensor.Zeros(device, [5, 3]);
        var e = Assert.Throws<ArgumentException>(() => LinearOp.Forward(tape, x, w, null, name: "dense_1"));
        Assert.Contains("dense_1", e.Message);
        Assert.Contains("[2, 6]", e.Message);
        Assert.Contains("[5, 3]", e.Message);
    }

    private static Tensor Requiring(Tensor t)
    {
        t.RequiresGrad = true;
        return t;
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuLinearOpTests(CpuFixture fixture) : LinearOpTests(fixture);

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedLinearOpTests(CpuLaunchedFixture fixture) : LinearOpTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaLinearOpTests(CudaFixture fixture) : LinearOpTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClLinearOpTests(OpenClFixture fixture) : LinearOpTests(fixture);
