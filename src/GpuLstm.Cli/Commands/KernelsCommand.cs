using GpuLstm.Codegen;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm kernels</c>: compiles every kernel to PTX (sm_90) and OpenCL C without a GPU,
/// assembles the PTX with ptxas when present, and prints each kernel's resource usage.
/// </summary>
public static class KernelsCommand
{
    private const string DefaultOutput = "kernels-out";

    private const string Usage = """
        Usage: gpulstm kernels [--out DIR] [--help]

        Compiles every GPU kernel to PTX (ISA 7.8, for sm_90) and OpenCL C 2.0, writes
        <Kernel>.ptx and <Kernel>.cl into DIR (default: kernels-out), and, when NVIDIA's ptxas
        is available, assembles each PTX file and prints registers, spills and shared memory.
        ptxas is looked up in $GPULSTM_PTXAS, PATH, then .tools/cuda (see .ci/install-ptxas.sh).

        Exit code: 0 all kernels compiled (and assembled), 1 some kernel failed, 2 bad arguments.
        """;

    /// <summary>Runs the command with the arguments after "kernels"; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string output = DefaultOutput;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--out":
                    return Fail(2, "--out needs a directory.");
                default:
                    return Fail(2, $"unknown argument '{args[i]}' (see: gpulstm kernels --help).");
            }
        }

        Ptxas? ptxas;
        try
        {
            ptxas = Ptxas.Locate();
        }
        catch (FileNotFoundException e)
        {
            return Fail(1, e.Message);
        }

        IReadOnlyList<KernelReportRow> rows;
        try
        {
            using var codegen = new KernelCodegen();
            rows = KernelReport.Run(KernelCatalog.Default, codegen, ptxas, output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(1, $"cannot write to '{output}': {e.Message}");
        }

        Console.WriteLine($"Wrote PTX (ISA 7.8) and OpenCL C for {rows.Count} kernels to {Path.GetFullPath(output)}");
        Console.WriteLine(ptxas is null
            ? $"ptxas not found: PTX not assembled (run .ci/install-ptxas.sh or set {Ptxas.EnvironmentVariable})."
            : $"ptxas: {ptxas.FilePath} ({ptxas.Version()}), -arch={Ptxas.Architecture}");
        Console.WriteLine();
        Console.Write(KernelReportTable.Format(rows));

        int failed = rows.Count(r => r.Failed);
        if (rows.Count == 0)
            return Fail(1, "no kernels found in the kernel assembly.");
        return failed == 0 ? 0 : Fail(1, $"{failed} of {rows.Count} kernels failed to compile or assemble.");
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine("gpulstm kernels: error: " + message);
        return code;
    }
}
