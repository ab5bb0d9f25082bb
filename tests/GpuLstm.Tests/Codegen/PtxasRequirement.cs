using GpuLstm.Codegen;
using Xunit.Abstractions;

namespace GpuLstm.Tests.Codegen;

/// <summary>
/// Policy for a missing ptxas: CI must run the assembler check, so there it is a failure;
/// on a developer machine without it the check is skipped with a note.
/// </summary>
internal static class PtxasRequirement
{
    /// <summary>Returns the ptxas to use, or null when the caller should stop (after reporting the skip).</summary>
    public static Ptxas? Require(Ptxas? ptxas, ITestOutputHelper output)
    {
        if (ptxas is not null)
            return ptxas;

        const string Hint = "ptxas not found (run .ci/install-ptxas.sh, or set " + Ptxas.EnvironmentVariable + ")";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(Hint + "; CI must run the ptxas check.");
        output.WriteLine("SKIPPED ptxas check: " + Hint + ".");
        return null;
    }
}
