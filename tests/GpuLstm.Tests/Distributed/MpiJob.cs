using System.Diagnostics;

namespace GpuLstm.Tests.Distributed;

/// <summary>
/// Runs `gpulstm` (the test output's GpuLstm.Cli.dll) as a process, alone or as an MPI job through MPICH's
/// mpiexec.mpich, with a time bound: a job still running at the bound is killed and reported as a hang.
/// Without MPICH the MPI tests skip saying what to install, except under CI, which must run them.
/// </summary>
internal static class MpiJob
{
    public const string Launcher = "mpiexec.mpich";

    public sealed record Result(int ExitCode, string Output, bool TimedOut);

    /// <summary>mpiexec.mpich on PATH; skips (or fails under CI=true) without it.</summary>
    public static string RequireMpich()
    {
        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, Launcher)).FirstOrDefault(File.Exists);
        if (found is not null)
            return found;
        const string hint = Launcher + " not found: install MPICH (Debian/Ubuntu: apt-get install mpich)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(hint + "; CI (.ci/run) installs it and must run the MPI tests.");
        Skip.If(true, hint + "; the MPI tests are skipped.");
        return null!;
    }

    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "GpuLstm.Cli.dll");

    /// <summary>`dotnet GpuLstm.Cli.dll` + args: the words of one rank's command line.</summary>
    public static string[] Gpulstm(params string[] args) => ["dotnet", CliDll, .. args];

    /// <summary>Runs a process (stdout and stderr together) for at most <paramref name="timeout"/>.</summary>
    public static Result Run(IReadOnlyList<string> command, TimeSpan timeout, string workingDirectory)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        foreach (var arg in command.Skip(1))
            start.ArgumentList.Add(arg);
        start.Environment.Remove("PMI_RANK"); // a test run from inside an MPI job must not look launched itself
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(timeout);
        if (!exited)
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
        lock (output)
            return new Result(exited ? process.ExitCode : -1, output.ToString(), !exited);
    }
}
