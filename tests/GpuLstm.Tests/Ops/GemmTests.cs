using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;
using ILGPU.Runtime.CPU;

namespace GpuLstm.Tests.Ops;

/// <summary>Every GEMM engine a device offers against a double reference, for all transpose combinations.</summary>
public abstract class GemmTests(DeviceFixture fixture)
{
    public static TheoryData<int, int, int, bool, bool, float> Cases() => new()
    {
        { 37, 29, 13, false, false, 0f },
        { 37, 29, 13, true, false, 0f },
        { 37, 29, 13, false, true, 1f },
        { 37, 29, 13, true, true, 0.5f },
        { 1, 130, 67, false, true, 0f },
        { 65, 1, 3, true, false, 1f },
        { 128, 64, 200, false, false, 0f },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void EveryEngineMatchesReference(int m, int n, int k, bool transA, bool transB, float beta)
    {
        var device = fixture.Device;
        foreach (var engine in Engines(device))
        {
            using (engine)
                Check(device, engine, m, n, k, transA, transB, beta);
        }
    }

    internal static void Check(ComputeDevice device, IGemmEngine engine, int m, int n, int k, bool transA, bool transB, float beta,
        double tolerance = 1e-4)
    {
        var a = TestData.Uniform(m * 31 + k, m * k);
        var b = TestData.Uniform(n * 17 + k, k * n);
        var c0 = TestData.Uniform(m + n, m * n);
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)a[transA ? p * m + i : i * k + p] * b[transB ? j * k + p : p * n + j];
                expected[i * n + j] = 0.75 * s + beta * c0[i * n + j];
            }

        {
            {
                using var ta = Tensor.FromArray(device, a, [m * k]);
                using var tb = Tensor.FromArray(device, b, [k * n]);
                using var tc = Tensor.FromArray(device, c0, [m, n]);
                var av = transA ? MatrixView.Of(ta, k, m).T : MatrixView.Of(ta, m, k);
                var bv = transB ? MatrixView.Of(tb, n, k).T : MatrixView.Of(tb, k, n);
                var args = new GemmArgs
                {
                    M = m, N = n, K = k, ARowStride = av.RowStride, AColStride = av.ColStride,
                    BRowStride = bv.RowStride, BColStride = bv.ColStride, CRowStride = n, Alpha = 0.75f, Beta = beta,
                };
                engine.Run(args, ta.View, tb.View, tc.View);
                device.Synchronize();
                Compare.Close($"{engine.Name} C[{m}x{n}] transA={transA} transB={transB}", expected, tc.ToArray(), tolerance, tolerance);
            }
        }
    }

    [SkippableFact]
    public void MismatchedShapesNameBothOperands()
    {
        var device = fixture.Device;
        using var a = Tensor.Zeros(device, [4, 3]);
        using var b = Tensor.Zeros(device, [5, 2]);
        using var c = Tensor.Zeros(device, [4, 2]);
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Run(device, "probe", MatrixView.Of(a, 4, 3), MatrixView.Of(b, 5, 2), MatrixView.Of(c, 4, 2)));
        Assert.Contains("probe", e.Message);
        Assert.Contains("[4, 3]", e.Message);
        Assert.Contains("[5, 2]", e.Message);
    }

    /// <summary>The kernel engines always; BLAS engines where they load (OpenBLAS on CPU, cuBLAS on CUDA).</summary>
    private static IEnumerable<IGemmEngine> Engines(ComputeDevice device)
    {
        yield return new IlgpuGemmEngine(device, tiled: false);
        if (device.Accelerator.MaxNumThreadsPerGroup >= GemmKernels.GroupEdge * GemmKernels.GroupEdge)
            yield return new IlgpuGemmEngine(device, tiled: true);
        if (device.Kind == DeviceKind.Cpu && OpenBlasGemmEngine.IsAvailable())
            yield return OpenBlasGemmEngine.Create(device);
        if (device.Kind == DeviceKind.Cuda)
        {
            // A CUDA machine without cuBLAS is a broken set-up for GpuLstm, not a case to skip.
            var probe = CuBlasLibrary.Probe();
            Assert.True(probe.Found, probe.NotFound);
            yield return CuBlasGemmEngine.Create(device, tf32: false);
        }
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuGemmTests(CpuFixture fixture) : GemmTests(fixture)
{
    /// <summary>
    /// The GPU's shared-memory tiled kernel, run on a CPU accelerator configured with 256-thread
    /// groups (a host-provided accelerator), so its tiling and edge handling are checked without a GPU.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void TiledKernelMatchesReferenceOnSimulatedGroups(int m, int n, int k, bool transA, bool transB, float beta)
    {
        using var context = ILGPU.Context.Create(b => DeviceSelector.ConfigureCompiler(b.CPU()));
        using var accelerator = new ILGPU.Runtime.CPU.CPUDevice(32, 8, 1).CreateCPUAccelerator(context);
        using var device = ComputeDevice.FromAccelerator(accelerator);
        using var engine = new IlgpuGemmEngine(device, tiled: true);
        Check(device, engine, m, n, k, transA, transB, beta);
    }

    /// <summary>CI installs OpenBLAS: the BLAS path must be exercised there, not silently skipped.</summary>
    [Fact]
    public void OpenBlasIsTestedInCi()
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
            Assert.True(OpenBlasGemmEngine.IsAvailable(), "CI=true but libopenblas.so.0 did not load; .ci/run installs libopenblas0-pthread.");
    }
}

[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuLaunchedGemmTests(CpuLaunchedFixture fixture) : GemmTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaGemmTests(CudaFixture fixture) : GemmTests(fixture)
{
    /// <summary>TF32 tensor-op math is opt-in: close to FP32 (10-bit mantissa products), never the default.</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void CuBlasTf32IsCloseToReference(int m, int n, int k, bool transA, bool transB, float beta)
    {
        var device = fixture.Device;
        Assert.False(device.UsesTf32 && Environment.GetEnvironmentVariable(ComputeDeviceOptions.Tf32Variable) is null,
            "TF32 must be off unless asked for");
        using var engine = CuBlasGemmEngine.Create(device, tf32: true);
        Assert.True(engine.UsesTf32);
        Check(device, engine, m, n, k, transA, transB, beta, tolerance: 2e-2);
    }

    /// <summary>TF32 must really be on when asked: with k = 4096 its 10-bit products differ from FP32's.</summary>
    [SkippableFact]
    public void CuBlasTf32ChangesTheResult()
    {
        var device = fixture.Device;
        const int m = 64, n = 64, k = 4096;
        using var a = Tensor.FromArray(device, TestData.Uniform(1, m * k), [m, k]);
        using var b = Tensor.FromArray(device, TestData.Uniform(2, k * n), [k, n]);
        float[] Run(bool tf32)
        {
            using var engine = CuBlasGemmEngine.Create(device, tf32);
            using var c = Tensor.Zeros(device, [m, n]);
            var args = new GemmArgs { M = m, N = n, K = k, ARowStride = k, AColStride = 1, BRowStride = n, BColStride = 1, CRowStride = n, Alpha = 1f, Beta = 0f };
            engine.Run(args, a.View, b.View, c.View);
            device.Synchronize();
            return c.ToArray();
        }
        var exact = Run(tf32: false);
        var tensor = Run(tf32: true);
        double worst = exact.Zip(tensor, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst > 1e-4, $"TF32 and FP32 agree to {worst:E2}: TF32 math mode did not take effect");
    }
}

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClGemmTests(OpenClFixture fixture) : GemmTests(fixture);
