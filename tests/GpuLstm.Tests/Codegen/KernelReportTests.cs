using GpuLstm.Codegen;
using GpuLstm.Tests.Codegen.Fixtures;
using Xunit.Abstractions;

namespace GpuLstm.Tests.Codegen;

/// <summary>The whole-report path on the fixture kernels: files written, rows and table right.</summary>
public sealed class KernelReportTests(CodegenFixture fixture, ITestOutputHelper output) : IClassFixture<CodegenFixture>
{
    private static readonly KernelCatalog Catalog =
        KernelCatalog.FromAssembly(typeof(FixtureKernels).Assembly, typeof(FixtureKernels).Namespace!);

    [SkippableFact]
    public void WritesPtxAndOpenClForEveryKernel()
    {
        var dir = Path.Combine(fixture.OutputDirectory, "report");
        var rows = KernelReport.Run(Catalog, fixture.Codegen, fixture.Ptxas, dir);
        output.WriteLine(KernelReportTable.Format(rows));

        Assert.Equal(Catalog.Names, rows.Select(r => r.Kernel));
        foreach (var name in Catalog.Names)
        {
            Assert.True(File.Exists(Path.Combine(dir, name + ".ptx")), name + ".ptx");
            Assert.True(File.Exists(Path.Combine(dir, name + ".cl")), name + ".cl");
        }
        Assert.All(rows, r => Assert.Null(r.CompileError));

        if (fixture.Ptxas is null)
            Assert.All(rows, r => Assert.Equal(KernelReportRow.PtxasNotFound, r.Verdict));
        PtxasRequirement.Require(fixture.Ptxas, "PTX and OpenCL C written, rows say ptxas was not found");
        Assert.All(rows, r => Assert.False(r.Failed, r.Verdict));
        // BlockSum stages 128 floats in shared memory.
        Assert.Equal(128 * sizeof(float), rows.Single(r => r.Kernel == "FixtureKernels.BlockSum").Ptxas!.SharedMemoryBytes);
    }

    [Fact]
    public void TableAlignsColumns()
    {
        var ok = new PtxasResult(true, 32, 0, 0, 0, 4096, PtxasOutput.OkVerdict, "");
        var bad = new PtxasResult(false, null, 0, 0, 0, 0, "error: boom", "");
        string table = KernelReportTable.Format(
        [
            new KernelReportRow("A.Short", null, ok),
            new KernelReportRow("B.MuchLongerName", null, bad),
            new KernelReportRow("C.NoPtxas", null, null),
        ]);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

        Assert.Equal(5, lines.Length);
        int verdictColumn = lines[0].IndexOf("Verdict", StringComparison.Ordinal);
        Assert.Equal("ok", lines[2][verdictColumn..]);
        Assert.Equal("error: boom", lines[3][verdictColumn..]);
        Assert.Equal(KernelReportRow.PtxasNotFound, lines[4][verdictColumn..]);
        Assert.Contains("4096", lines[2], StringComparison.Ordinal);
    }
}
