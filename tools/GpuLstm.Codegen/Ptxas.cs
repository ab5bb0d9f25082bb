using System.Diagnostics;
using System.Text;

namespace GpuLstm.Codegen;

/// <summary>
/// NVIDIA's PTX assembler. Assembling ILGPU's PTX is the strongest check of the generated
/// code short of a GPU: it rejects instructions the target does not have and reports the
/// register, spill and shared-memory cost of every kernel.
/// </summary>
public sealed class Ptxas
{
    /// <summary>Environment variable that names the ptxas binary, overriding every search.</summary>
    public const string EnvironmentVariable = "GPULSTM_PTXAS";

    /// <summary>The architecture the PTX is assembled for (H100).</summary>
    public const string Architecture = "sm_90";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // Where .ci/install-ptxas.sh unpacks Debian's nvidia-cuda-toolkit, relative to the repository root.
    private static readonly string[] RepoRelativeCandidates =
    [
        Path.Combine(".tools", "cuda", "usr", "bin", ExeName),
        Path.Combine(".tools", "cuda", "usr", "lib", "nvidia-cuda-toolkit", "bin", ExeName),
    ];

    private Ptxas(string path) => FilePath = path;

    /// <summary>Full path of the ptxas binary.</summary>
    public string FilePath { get; }

    private static string ExeName => OperatingSystem.IsWindows() ? "ptxas.exe" : "ptxas";

    /// <summary>
    /// Finds ptxas: <see cref="EnvironmentVariable"/>, then PATH, then the repository's
    /// .tools/cuda (searched upward from the working and the application directory), then
    /// /usr/local/cuda. Returns null when there is none.
    /// </summary>
    /// <exception cref="FileNotFoundException">The environment variable names a missing file.</exception>
    public static Ptxas? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            // An explicit choice that is wrong should be loud, not silently replaced.
            return File.Exists(fromEnv)
                ? new Ptxas(Path.GetFullPath(fromEnv))
                : throw new FileNotFoundException($"{EnvironmentVariable} is set to '{fromEnv}', which does not exist.", fromEnv);
        }

        var path = SearchPath() ?? SearchUpward(Environment.CurrentDirectory) ?? SearchUpward(AppContext.BaseDirectory)
            ?? ExistingOrNull(Path.Combine("/usr", "local", "cuda", "bin", ExeName));
        return path is null ? null : new Ptxas(path);
    }

    /// <summary>The "release X.Y" line of <c>ptxas --version</c>, or its first line.</summary>
    public string Version()
    {
        var (exitCode, output) = Run("--version");
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (exitCode != 0 || lines.Count == 0)
            return $"unknown (ptxas --version exited {exitCode})";
        return lines.FirstOrDefault(l => l.Contains("release", StringComparison.Ordinal)) ?? lines[0];
    }

    /// <summary>Assembles <paramref name="ptxFile"/> for <see cref="Architecture"/> with -v and parses the report.</summary>
    public PtxasResult Assemble(string ptxFile)
    {
        ArgumentNullException.ThrowIfNull(ptxFile);
        // The cubin itself is not needed; write it beside nothing of ours and delete it.
        var cubin = Path.Combine(Path.GetTempPath(), $"gpulstm-{Guid.NewGuid():N}.cubin");
        try
        {
            var (exitCode, output) = Run($"-arch={Architecture}", "-v", ptxFile, "-o", cubin);
            return PtxasOutput.Parse(output, exitCode);
        }
        finally
        {
            File.Delete(cubin);
        }
    }

    /// <summary>Assembles PTX text (written to a temporary file).</summary>
    public PtxasResult AssembleText(string ptx)
    {
        ArgumentNullException.ThrowIfNull(ptx);
        var file = Path.Combine(Path.GetTempPath(), $"gpulstm-{Guid.NewGuid():N}.ptx");
        File.WriteAllText(file, ptx);
        try
        {
            return Assemble(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private (int ExitCode, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo(FilePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start '{FilePath}'.");
        // Read both streams concurrently so neither pipe can fill up and stall ptxas.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"ptxas did not finish within {Timeout.TotalSeconds:0} s");
        }
        var text = new StringBuilder().Append(stdout.Result).Append(stderr.Result).ToString();
        return (process.ExitCode, text);
    }

    private static string? SearchPath()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return dirs.Select(d => ExistingOrNull(Path.Combine(d, ExeName))).FirstOrDefault(p => p is not null);
    }

    private static string? SearchUpward(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            foreach (var relative in RepoRelativeCandidates)
            {
                if (ExistingOrNull(Path.Combine(dir.FullName, relative)) is { } found)
                    return found;
            }
        }
        return null;
    }

    private static string? ExistingOrNull(string path) => File.Exists(path) ? Path.GetFullPath(path) : null;
}
