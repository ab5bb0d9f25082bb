using GpuLstm.Codegen;

namespace GpuLstm.Tests.Codegen;

/// <summary>
/// Policy for a missing ptxas: CI must run the assembler check, so there it is a failure; on a
/// developer machine without it the test reports itself skipped, saying why (never passed).
/// </summary>
internal static class PtxasRequirement
{
    public const string Hint = "ptxas not found (run .ci/install-ptxas.sh, or set " + Ptxas.EnvironmentVariable + ")";

    /// <summary>The ptxas to use; without one, fails under CI=true and skips the test elsewhere.</summary>
    public static Ptxas Require(Ptxas? ptxas, string done, bool? underCi = null)
    {
        if (ptxas is not null)
            return ptxas;
        if (underCi ?? string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(Hint + "; CI must run the ptxas check.");
        Skip.If(true, $"{done}; the ptxas check is skipped: {Hint}.");
        return null!; // unreachable: Skip.If throws
    }
}
