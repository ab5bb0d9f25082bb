using GpuLstm.Device;
using GpuLstm.Ops;

namespace GpuLstm.Tests.Devices;

/// <summary>Which GEMM engine a device gets, and what it says when it cannot have the fast one.</summary>
public sealed class GemmChoiceTests
{
    private static readonly LibraryProbe NoCuBlas = new("cuBLAS", null, ["/venv/nvidia/cublas/lib/libcublas.so.13", "libcublas.so.12"]);
    private static readonly LibraryProbe CuBlas = new("cuBLAS", "libcublas.so.13", ["libcublas.so.13"]);
    private static readonly LibraryProbe NoOpenBlas = new("OpenBLAS", null, ["libopenblas.so.0"]);
    private static readonly LibraryProbe OpenBlas = new("OpenBLAS", "libopenblas.so.0", ["libopenblas.so.0"]);

    private static Func<LibraryProbe> Never(string what) => () => throw new InvalidOperationException($"{what} should not be probed");

    [Fact]
    public void CudaUsesCuBlasWhenItLoads()
    {
        var d = GemmEngineChoice.Decide(DeviceKind.Cuda, GemmEngineKind.Auto, () => CuBlas, Never("OpenBLAS"));
        Assert.Equal(GemmEngineKind.CuBlas, d.Engine);
        Assert.Null(d.Warning);
    }

    [Fact]
    public void AutomaticFallBackWarnsNamingWhatWasTried()
    {
        var d = GemmEngineChoice.Decide(DeviceKind.Cuda, GemmEngineKind.Auto, () => NoCuBlas, Never("OpenBLAS"));
        Assert.Equal(GemmEngineKind.Ilgpu, d.Engine);
        Assert.NotNull(d.Warning);
        Assert.Contains("cuBLAS not found", d.Warning);
        Assert.Contains("/venv/nvidia/cublas/lib/libcublas.so.13", d.Warning);
        Assert.Contains("GPULSTM_CUBLAS", d.Warning);
        Assert.DoesNotContain('\n', d.Warning);
    }

    [Fact]
    public void ExplicitCuBlasThatCannotLoadIsAnErrorListingTheLibrariesTried()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            GemmEngineChoice.Decide(DeviceKind.Cuda, GemmEngineKind.CuBlas, () => NoCuBlas, Never("OpenBLAS")));
        Assert.Contains("GPULSTM_GEMM=cublas", e.Message);
        Assert.Contains("libcublas.so.12", e.Message);
        Assert.Contains("/venv/nvidia/cublas/lib/libcublas.so.13", e.Message);
    }

    [Fact]
    public void ExplicitEngineOnTheWrongDeviceIsAnError()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            GemmEngineChoice.Decide(DeviceKind.Cpu, GemmEngineKind.CuBlas, () => CuBlas, () => OpenBlas));
        Assert.Contains("needs a cuda device", e.Message);
        Assert.Throws<InvalidOperationException>(() =>
            GemmEngineChoice.Decide(DeviceKind.Cuda, GemmEngineKind.OpenBlas, () => CuBlas, () => OpenBlas));
    }

    [Fact]
    public void CpuFallsBackToTheKernelWithAnInstallHint()
    {
        var d = GemmEngineChoice.Decide(DeviceKind.Cpu, GemmEngineKind.Auto, Never("cuBLAS"), () => NoOpenBlas);
        Assert.Equal(GemmEngineKind.Ilgpu, d.Engine);
        Assert.Contains("libopenblas0-pthread", d.Warning);
        Assert.Equal(GemmEngineKind.OpenBlas, GemmEngineChoice.Decide(DeviceKind.Cpu, GemmEngineKind.Auto, Never("cuBLAS"), () => OpenBlas).Engine);
    }

    [Fact]
    public void OpenClAndForcedKernelNeedNoLibrary()
    {
        Assert.Equal(GemmEngineKind.Ilgpu, GemmEngineChoice.Decide(DeviceKind.OpenCL, GemmEngineKind.Auto, Never("cuBLAS"), Never("OpenBLAS")).Engine);
        Assert.Null(GemmEngineChoice.Decide(DeviceKind.Cuda, GemmEngineKind.Ilgpu, Never("cuBLAS"), Never("OpenBLAS")).Warning);
    }

    [Theory]
    [InlineData("auto", GemmEngineKind.Auto)]
    [InlineData(" CUBLAS ", GemmEngineKind.CuBlas)]
    [InlineData("openblas", GemmEngineKind.OpenBlas)]
    [InlineData("ilgpu", GemmEngineKind.Ilgpu)]
    public void ParsesEngineNames(string text, GemmEngineKind expected) => Assert.Equal(expected, GemmEngineChoice.Parse(text));

    [Fact]
    public void UnknownEngineNameListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => GemmEngineChoice.Parse("mkl"));
        Assert.Contains("'mkl'", e.Message);
        Assert.Contains("auto, cublas, openblas or ilgpu", e.Message);
    }

    [Fact]
    public void FallBackWarningReachesTheHostsSinkOnceAndTheDeviceStillWorks()
    {
        var warnings = new List<string>();
        var options = new ComputeDeviceOptions { Warning = warnings.Add, OpenBlasProbe = () => NoOpenBlas };
        using var device = ComputeDevice.Create(DeviceKind.Cpu, options);
        Assert.Equal("ilgpu", device.GemmEngineName);
        using var a = GpuLstm.Memory.Tensor.FromArray(device, [1f, 2f, 3f, 4f], [2, 2]);
        using var c = GpuLstm.Memory.Tensor.Zeros(device, [2, 2]);
        Gemm.Run(device, "probe", MatrixView.Of(a, 2, 2), MatrixView.Of(a, 2, 2), MatrixView.Of(c, 2, 2));
        Gemm.Run(device, "probe", MatrixView.Of(a, 2, 2), MatrixView.Of(a, 2, 2), MatrixView.Of(c, 2, 2));
        Assert.Equal(new[] { 7f, 10f, 15f, 22f }, c.ToArray());
        var warning = Assert.Single(warnings);
        Assert.Contains("OpenBLAS not found (tried libopenblas.so.0)", warning);
    }

    [Fact]
    public void ExplicitCuBlasOnTheCpuFailsAtCreation()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            ComputeDevice.Create(DeviceKind.Cpu, new ComputeDeviceOptions { Gemm = GemmEngineKind.CuBlas }));
        Assert.Contains("GPULSTM_GEMM=cublas needs a cuda device", e.Message);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("", false)]
    public void Tf32IsOptIn(string text, bool expected)
    {
        // ResolveTf32 reads the variable only when Tf32 is null; an explicit option wins.
        Assert.True(new ComputeDeviceOptions { Tf32 = true }.ResolveTf32());
        Assert.False(new ComputeDeviceOptions { Tf32 = false }.ResolveTf32());
        Assert.Equal(expected, ComputeDeviceOptions.ParseTf32(text));
        Assert.False(ComputeDeviceOptions.ParseTf32(null));
    }

    [Fact]
    public void BadTf32ValueIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeDeviceOptions.ParseTf32("yes please"));
        Assert.Contains("GPULSTM_TF32", e.Message);
    }
}
