using System.Reflection;
using System.Runtime.InteropServices;

namespace GpuLstm.Device;

/// <summary>
/// ILGPU asks for the CUDA driver and OpenCL by unversioned names (libcuda.so, libOpenCL.so), which
/// only -dev packages install; drivers and ICD loaders ship libcuda.so.1 and libOpenCL.so.1. Without
/// this resolver such a machine would silently see no GPU. On WSL ILGPU installs its own resolver
/// for its assembly (a second one would throw), so this one stays out of the way there.
/// </summary>
internal static class NativeLibraries
{
    private static readonly object Lock = new();
    private static bool _installed;

    private static readonly string[] CudaFolders =
        ["/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/cuda/compat", "/usr/lib/wsl/lib"];

    public static void Install()
    {
        lock (Lock)
        {
            if (_installed)
                return;
            _installed = true;
            if (!OperatingSystem.IsLinux() || IsWsl())
                return;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Someone (ILGPU itself, or the host application) already resolves for ILGPU: keep theirs.
            }
        }
    }

    private static bool IsWsl()
    {
        if (Directory.Exists("/usr/lib/wsl/lib"))
            return true;
        try
        {
            return File.ReadAllText("/proc/version").Contains("microsoft", StringComparison.OrdinalIgnoreCase);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The file names tried, in order, for a library ILGPU asks for; empty for the others.</summary>
    internal static IEnumerable<string> Candidates(string name)
    {
        string lower = name.ToLowerInvariant();
        if (lower is "cuda" or "libcuda" or "libcuda.so")
        {
            yield return "libcuda.so.1";
            foreach (string folder in CudaFolders)
                yield return Path.Combine(folder, "libcuda.so.1");
        }
        else if (lower is "opencl" or "libopencl" or "libopencl.so")
        {
            yield return "libOpenCL.so.1";
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (NativeLibrary.TryLoad(name, assembly, path, out IntPtr handle))
            return handle;
        foreach (string candidate in Candidates(name))
        {
            if (NativeLibrary.TryLoad(candidate, out handle))
                return handle;
        }
        return IntPtr.Zero;
    }
}
