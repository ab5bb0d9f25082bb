using GpuLstm.Codegen;

namespace GpuLstm.Tests.Codegen;

/// <summary>One codegen context, ptxas lookup and scratch folder per test class (context creation is the slow part).</summary>
public sealed class CodegenFixture : IDisposable
{
    public CodegenFixture()
    {
        Codegen = new KernelCodegen();
        Ptxas = Ptxas.Locate();
        OutputDirectory = Directory.CreateTempSubdirectory("gpulstm-codegen-").FullName;
    }

    public KernelCodegen Codegen { get; }

    /// <summary>Null when ptxas is not installed (see .ci/install-ptxas.sh).</summary>
    public Ptxas? Ptxas { get; }

    public string OutputDirectory { get; }

    public void Dispose()
    {
        Codegen.Dispose();
        Directory.Delete(OutputDirectory, recursive: true);
    }
}
