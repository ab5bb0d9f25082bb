using System.Runtime.Intrinsics.X86;
using GpuLstm.Device;

namespace GpuLstm.Tests.Devices;

/// <summary>OpenBLAS runs kernels the CPU supports at full speed, even where its own CPU detection falls back.</summary>
public sealed class OpenBlasLibraryTests
{
    [Theory]
    [InlineData("Haswell")]
    [InlineData("Zen")]
    [InlineData("SkylakeX")]
    [InlineData("SAPPHIRERAPIDS")]
    public void KernelsThatUseAvx2OrAvx512AreKept(string core) => Assert.Null(OpenBlasLibrary.BetterCore(core));

    [Theory]
    [InlineData("Prescott")]
    [InlineData("Nehalem")]
    [InlineData("Sandybridge")]
    public void APreAvx2FallbackIsReplacedWhereTheCpuHasAvx2AndFma(string core)
    {
        string? expected = !Avx2.IsSupported || !Fma.IsSupported ? null
            : Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported ? "SkylakeX" : "Haswell";
        Assert.Equal(expected, OpenBlasLibrary.BetterCore(core));
    }

    [Fact]
    public void TheLoadedLibraryRunsFullSpeedKernelsUnlessTheUserChose()
    {
        var lib = OpenBlasLibrary.Get();
        if (lib.Name is null || Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is not null)
            return; // nothing to check: no OpenBLAS here (GemmTests insists on it under CI), or the user picked the kernels
        Assert.NotNull(lib.Core);
        Assert.Null(OpenBlasLibrary.BetterCore(lib.Core)); // e.g. not Debian 12's Prescott fallback on an unknown Xeon
        if (lib.ForcedCore is not null)
            Assert.Equal(lib.ForcedCore, lib.Core, ignoreCase: true);
    }
}
