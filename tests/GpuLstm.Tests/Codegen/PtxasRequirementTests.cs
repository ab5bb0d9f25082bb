namespace GpuLstm.Tests.Codegen;

/// <summary>A missing ptxas skips the codegen checks on a developer machine (saying why) and fails them under CI; it never passes.</summary>
public sealed class PtxasRequirementTests
{
    [Fact]
    public void MissingPtxasSkipsOutsideCiSayingWhy()
    {
        var e = Assert.Throws<Xunit.SkipException>(() => PtxasRequirement.Require(null, "PTX generated", underCi: false));
        Assert.Contains("PTX generated; the ptxas check is skipped", e.Message, StringComparison.Ordinal);
        Assert.Contains(".ci/install-ptxas.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPtxasFailsUnderCi()
    {
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PtxasRequirement.Require(null, "PTX generated", underCi: true));
        Assert.Contains("CI must run the ptxas check", e.Message, StringComparison.Ordinal);
    }
}
