using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU.Runtime.Cuda;

namespace GpuLstm.Device;

/// <summary>
/// Finds cuBLAS for ILGPU.Algorithms, which asks only for libcublas.so.10/11/12. Order:
/// GPULSTM_CUBLAS alone when set, else the loader's libcublas.so.12/11/10/13, cuBLAS inside Python environments (PyTorch's
/// nvidia-cublas wheel: site-packages/nvidia/*/lib), then CUDA toolkit folders. Probed once per process.
/// </summary>
internal static class CuBlasLibrary
{
    public const string EnvironmentVariable = "GPULSTM_CUBLAS";

    private static readonly object Lock = new();
    private static LibraryProbe? _probe;
    private static IntPtr _handle;

    public static LibraryProbe Probe()
    {
        lock (Lock)
            return _probe ??= Search(Environment.GetEnvironmentVariable);
    }

    internal static LibraryProbe Search(Func<string, string?> env)
    {
        var tried = new List<string>();
        // An explicit path is the user's choice: when it does not load, say so instead of taking another cuBLAS.
        bool explicitOnly = env(EnvironmentVariable) is { Length: > 0 };
        foreach (string candidate in Candidates(env).Distinct())
        {
            tried.Add(candidate);
            if (!NativeLibrary.TryLoad(candidate, out IntPtr handle) || !NativeLibrary.TryGetExport(handle, "cublasSgemm_v2", out _))
            {
                if (explicitOnly)
                    return new LibraryProbe("cuBLAS", null, [$"{EnvironmentVariable}={candidate}, which did not load"]);
                continue;
            }
            _handle = handle;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(CuBlas).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // The host application resolves ILGPU.Algorithms' imports itself: only the names
                // ILGPU.Algorithms asks for can then be used, or two cuBLAS versions would mix.
                if (!AlgorithmsOwnNames.Contains(candidate))
                    return new LibraryProbe("cuBLAS", null, [.. tried, "(the host application already set a DLL import resolver for ILGPU.Algorithms)"]);
            }
            return new LibraryProbe("cuBLAS", candidate, tried);
        }
        return new LibraryProbe("cuBLAS", null, tried);
    }

    /// <summary>The names ILGPU.Algorithms 1.5.3 itself loads cuBLAS by.</summary>
    private static readonly string[] AlgorithmsOwnNames = ["libcublas.so.12", "libcublas.so.11", "libcublas.so.10"];

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name.Contains("cublas", StringComparison.OrdinalIgnoreCase) ? _handle : IntPtr.Zero;

    /// <summary>Every place looked at, in order; <paramref name="env"/> reads environment variables.</summary>
    internal static IEnumerable<string> Candidates(Func<string, string?> env)
    {
        if (env(EnvironmentVariable) is { Length: > 0 } explicitPath)
        {
            yield return explicitPath;
            yield break;
        }
        // ILGPU.Algorithms' own names first (what it would load unaided), then newer CUDA's.
        foreach (string name in AlgorithmsOwnNames)
            yield return name;
        yield return "libcublas.so.13";
        foreach (string prefix in PythonPrefixes(env))
        {
            foreach (string file in Glob(Path.Combine(prefix, "lib"), "python3*", "*-packages", "nvidia", "*", "lib"))
                yield return file;
        }
        foreach (string file in Glob("/usr/local", "cuda*", "lib64").Concat(Glob("/usr/lib", "x86_64-linux-gnu")).Concat(Glob("/opt/conda", "lib")))
            yield return file;
    }

    /// <summary>Python installations that may hold pip's nvidia packages, the active ones first.</summary>
    internal static IEnumerable<string> PythonPrefixes(Func<string, string?> env)
    {
        foreach (string name in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
        {
            if (env(name) is { Length: > 0 } prefix)
                yield return prefix;
        }
        // A virtual environment's bin/ on PATH (how `python3` there finds torch) marks its prefix.
        foreach (string dir in (env("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string? parent = Path.GetDirectoryName(dir.TrimEnd('/'));
            if (parent is not null && File.Exists(Path.Combine(parent, "pyvenv.cfg")))
                yield return parent;
        }
        foreach (string venv in Glob("/opt", "*", ".venv").Concat(Glob("/opt", "*", "venv")))
            yield return venv;
        string home = env("HOME") ?? "";
        if (home.Length > 0)
        {
            yield return Path.Combine(home, ".venv");
            yield return Path.Combine(home, ".local");
        }
        yield return "/opt/conda";
        yield return "/usr/local";
        yield return "/usr";
    }

    /// <summary>libcublas.so.* (not cublasLt) under root/segments..., newest version first.</summary>
    private static IEnumerable<string> Glob(string root, params string[] segments)
    {
        IEnumerable<string> dirs = [root];
        foreach (string segment in segments)
            dirs = dirs.SelectMany(d => Listed(d, () => Directory.GetDirectories(d, segment)));
        return dirs.SelectMany(d => Listed(d, () => Directory.GetFiles(d, "libcublas.so.*")))
            .OrderByDescending(f => f, StringComparer.Ordinal);
    }

    /// <summary>A directory listing, empty when the directory is missing or unreadable (a search, not an error).</summary>
    private static string[] Listed(string dir, Func<string[]> list)
    {
        try
        {
            return Directory.Exists(dir) ? list() : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
