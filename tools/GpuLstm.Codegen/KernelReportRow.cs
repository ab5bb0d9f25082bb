namespace GpuLstm.Codegen;

/// <summary>The code generation check of one kernel.</summary>
/// <param name="Kernel">Display name ("Class.Method").</param>
/// <param name="CompileError">Why ILGPU could not compile it to PTX or OpenCL C, or null.</param>
/// <param name="Ptxas">ptxas's report, or null when ptxas was not run.</param>
public sealed record KernelReportRow(string Kernel, string? CompileError, PtxasResult? Ptxas)
{
    /// <summary>Verdict shown when no ptxas was available.</summary>
    public const string PtxasNotFound = "ptxas not found";

    /// <summary>The kernel failed to compile, or ptxas rejected its PTX.</summary>
    public bool Failed => CompileError is not null || Ptxas is { Ok: false };

    /// <summary>"ok", the compile error, ptxas's error, or "ptxas not found".</summary>
    public string Verdict => CompileError ?? Ptxas?.Verdict ?? PtxasNotFound;
}
