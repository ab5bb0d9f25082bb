using System.CommandLine;
using GpuLstm.Cli.Parsing;
using GpuLstm.Codegen;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm kernels</c>: compiles every kernel to PTX (sm_90) and OpenCL C without a GPU,
/// assembles the PTX with ptxas when present, and prints each kernel's resource usage.
/// </summary>
public static class KernelsCommand
{
    private const string Details = """
        Compiles every GPU kernel to PTX (ISA 7.8, for sm_90) and OpenCL C 2.0, writes
        <Kernel>.ptx and <Kernel>.cl into DIR, and, when NVIDIA's ptxas is available, assembles each
        PTX file and prints registers, spills and shared memory; then how the persistent LSTM kernel is laid
        out on an H100/H200 (groups, units, shared memory per group) at those registers. ptxas is looked up in
        $GPULSTM_PTXAS, PATH, then .tools/cuda (see .ci/install-ptxas.sh).
        Exit code 1 when some kernel failed to compile or assemble.
        """;

    public static Command Create()
    {
        var output = new Option<string>("--out")
        {
            Description = "the folder for the .ptx and .cl files", HelpName = "DIR", DefaultValueFactory = _ => "kernels-out",
        };
        var command = new DetailedCommand("kernels", "compile every kernel to PTX (sm_90) and OpenCL C; assemble with ptxas", Details) { output };
        command.SetAction(p => Run(p.InvocationConfiguration.Output, p.InvocationConfiguration.Error, p.GetValue(output)!));
        return command;
    }

    /// <summary>Compiles into <paramref name="outDir"/>; returns 0 when every kernel compiled (and assembled), else 1.</summary>
    public static int Run(TextWriter output, TextWriter error, string outDir)
    {
        var ptxas = Ptxas.Locate(); // a GPULSTM_PTXAS that names no file throws: a failure, not a silent skip
        IReadOnlyList<KernelReportRow> rows;
        try
        {
            using var codegen = new KernelCodegen();
            rows = KernelReport.Run(KernelCatalog.Default, codegen, ptxas, outDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write to '{outDir}': {e.Message}", e);
        }

        output.WriteLine($"Wrote PTX (ISA 7.8) and OpenCL C for {rows.Count} kernels to {Path.GetFullPath(outDir)}");
        output.WriteLine(ptxas is null
            ? $"ptxas not found: PTX not assembled (run .ci/install-ptxas.sh or set {Ptxas.EnvironmentVariable})."
            : $"ptxas: {ptxas.FilePath} ({ptxas.Version()}), -arch={Ptxas.Architecture}");
        output.WriteLine();
        output.Write(KernelReportTable.Format(rows));
        output.WriteLine();
        output.Write(PersistentPlanTable.Format(rows.Where(r => r.Kernel.StartsWith("LstmGridKernels.", StringComparison.Ordinal) && !r.Kernel.EndsWith("Tf32", StringComparison.Ordinal))
            .Select(r => r.Ptxas?.Registers).DefaultIfEmpty(null).Max()));

        int failed = rows.Count(r => r.Failed);
        if (rows.Count == 0)
            return Program.Fail(error, "no kernels found in the kernel assembly.");
        return failed == 0 ? 0 : Program.Fail(error, $"{failed} of {rows.Count} kernels failed to compile or assemble.");
    }
}
