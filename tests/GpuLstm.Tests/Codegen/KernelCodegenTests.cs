using GpuLstm.Codegen;
using GpuLstm.Tests.Codegen.BrokenFixtures;
using ILGPU;
using Xunit.Abstractions;

namespace GpuLstm.Tests.Codegen;

/// <summary>
/// The GPU code generation check without a GPU: every production kernel must compile to PTX
/// (sm_90) and OpenCL C, and its PTX must pass NVIDIA's assembler.
/// </summary>
public sealed class KernelCodegenTests(CodegenFixture fixture, ITestOutputHelper output) : IClassFixture<CodegenFixture>
{
    /// <summary>One case per discovered kernel, named by the kernel.</summary>
    public static TheoryData<string> KernelNames => new(KernelCatalog.Default.Names);

    [Fact]
    public void Catalog_FindsTheProductionKernels()
    {
        var catalog = KernelCatalog.Default;
        foreach (var (name, kernel) in catalog.Names.Zip(catalog.Kernels))
            output.WriteLine($"{name} ({(KernelCatalog.IsImplicitlyGrouped(kernel) ? "implicit" : "explicit")})");

        Assert.NotEmpty(catalog.Kernels);
        Assert.Equal(catalog.Names.Count, catalog.Names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(catalog.Kernels, k => Assert.Equal(KernelCatalog.KernelNamespace, k.DeclaringType!.Namespace));
    }

    [SkippableTheory]
    [MemberData(nameof(KernelNames))]
    public void Kernel_CompilesToPtxAndOpenCl_AndAssembles(string kernel)
    {
        var ptxas = fixture.Ptxas;
        var row = KernelReport.Check(kernel, KernelCatalog.Default.Get(kernel), fixture.Codegen, ptxas, fixture.OutputDirectory);

        Assert.True(row.CompileError is null, row.CompileError);
        // ILGPU targets the lowest architecture with the needed capabilities (sm_80 today), as on a
        // real device; ptxas and the driver then compile that PTX for sm_90.
        Assert.Contains(".version 7.8", File.ReadAllText(Path.Combine(fixture.OutputDirectory, kernel + ".ptx")), StringComparison.Ordinal);
        Assert.Contains("kernel void", File.ReadAllText(Path.Combine(fixture.OutputDirectory, kernel + ".cl")), StringComparison.Ordinal);

        PtxasRequirement.Require(ptxas, "PTX and OpenCL C generated");
        var r = row.Ptxas!;
        output.WriteLine($"{kernel}: {r.Registers} registers, spill {r.SpillStoreBytes}/{r.SpillLoadBytes} B (stores/loads), "
            + $"stack {r.StackFrameBytes} B, smem {r.SharedMemoryBytes} B");
        Assert.True(r.Ok, $"ptxas rejected {kernel}: {r.Verdict}");
        Assert.NotNull(r.Registers);
    }

    [SkippableFact]
    public void FastMathTanh_IsRejectedByPtxas_SoTheCheckCanFail()
    {
        // Fast32BitOnly turns MathF.Tanh into tanh.approx.ftz.f32; tanh has no .ftz form in PTX.
        using var fast = new KernelCodegen(b =>
        {
            KernelCodegen.ConfigureDefault(b);
            b.Math(MathMode.Fast32BitOnly);
        });
        string ptx = fast.CompilePtx(typeof(BrokenFixtureKernels).GetMethod(nameof(BrokenFixtureKernels.FastTanh))!);
        Assert.Contains("tanh.approx", ptx, StringComparison.Ordinal);

        var ptxas = PtxasRequirement.Require(fixture.Ptxas, "fast-math PTX generated");
        var result = ptxas.AssembleText(ptx);
        output.WriteLine("ptxas said: " + result.Verdict);
        Assert.False(result.Ok);
        Assert.NotEqual(PtxasOutput.OkVerdict, result.Verdict);
    }

    [SkippableFact]
    public void DefaultMathTanh_Assembles()
    {
        // The counterpart of the fast-math case: the same kernel in default math mode is fine.
        string ptx = fixture.Codegen.CompilePtx(typeof(BrokenFixtureKernels).GetMethod(nameof(BrokenFixtureKernels.FastTanh))!);
        Assert.DoesNotContain("tanh.approx.ftz", ptx, StringComparison.Ordinal);

        var ptxas = PtxasRequirement.Require(fixture.Ptxas, "default-math PTX generated");
        var result = ptxas.AssembleText(ptx);
        Assert.True(result.Ok, result.Verdict);
    }

    [SkippableFact]
    public void CorruptedPtx_IsRejectedByPtxas()
    {
        string ptx = fixture.Codegen.CompilePtx(typeof(BrokenFixtureKernels).GetMethod(nameof(BrokenFixtureKernels.FastTanh))!);
        // An instruction that does not exist, placed right after the entry's opening brace.
        int body = ptx.IndexOf('{', ptx.IndexOf(".entry", StringComparison.Ordinal));
        string corrupted = ptx.Insert(body + 1, "\n\tnot.an.instruction.f32 %f1;\n");

        var ptxas = PtxasRequirement.Require(fixture.Ptxas, "corrupted PTX made");
        var result = ptxas.AssembleText(corrupted);
        output.WriteLine("ptxas said: " + result.Verdict);
        Assert.False(result.Ok);
    }
}
