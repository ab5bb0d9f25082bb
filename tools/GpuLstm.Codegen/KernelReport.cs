using System.Reflection;

namespace GpuLstm.Codegen;

/// <summary>
/// Runs the whole check: every kernel to PTX and OpenCL C (both written to a folder for
/// inspection), then, when ptxas is present, assembles the PTX and collects its resource usage.
/// </summary>
public static class KernelReport
{
    /// <summary>Checks every kernel of <paramref name="catalog"/>, writing files into <paramref name="outputDirectory"/>.</summary>
    public static IReadOnlyList<KernelReportRow> Run(
        KernelCatalog catalog, KernelCodegen codegen, Ptxas? ptxas, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var rows = new List<KernelReportRow>(catalog.Kernels.Count);
        for (int i = 0; i < catalog.Kernels.Count; i++)
            rows.Add(Check(catalog.Names[i], catalog.Kernels[i], codegen, ptxas, outputDirectory));
        return rows;
    }

    /// <summary>
    /// Checks one kernel: writes <c>&lt;name&gt;.ptx</c> and <c>&lt;name&gt;.cl</c> and assembles the PTX
    /// when <paramref name="ptxas"/> is given. Compile failures become the row's error, not an exception,
    /// so one broken kernel does not hide the state of the others.
    /// </summary>
    public static KernelReportRow Check(
        string name, MethodInfo kernel, KernelCodegen codegen, Ptxas? ptxas, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(codegen);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        Directory.CreateDirectory(outputDirectory);

        string ptxFile = Path.Combine(outputDirectory, name + ".ptx");
        string clFile = Path.Combine(outputDirectory, name + ".cl");
        // Stale output from an earlier run must not pass for this run's.
        File.Delete(ptxFile);
        File.Delete(clFile);

        var errors = new List<string>();
        bool hasPtx = TryWrite(ptxFile, () => codegen.CompilePtx(kernel), "PTX", errors);
        TryWrite(clFile, () => codegen.CompileOpenCl(kernel), "OpenCL", errors);

        var assembled = hasPtx && ptxas is not null ? ptxas.Assemble(ptxFile) : null;
        string? compileError = errors.Count > 0 ? string.Join(" | ", errors) : null;
        return new KernelReportRow(name, compileError, assembled);
    }

    private static bool TryWrite(string file, Func<string> compile, string what, List<string> errors)
    {
        string text;
        try
        {
            text = compile();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ILGPU reports unsupported constructs as various exception types; all mean "does not compile".
            errors.Add($"{what} compile failed: {OneLine(e)}");
            return false;
        }
        GpuLstm.IO.AtomicFile.WriteAllText(file, text);
        return true;
    }

    private static string OneLine(Exception e)
    {
        // ILGPU wraps the real cause in InternalCompilerException; the innermost one says what is wrong.
        var inner = e;
        while (inner.InnerException is not null)
            inner = inner.InnerException;
        return $"{inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}";
    }
}
