using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GpuLstm.Device;

/// <summary>
/// Loads OpenBLAS once per process, with kernels the CPU can run at full speed. OpenBLAS's DYNAMIC_ARCH builds pick
/// their kernels from the CPU model when loaded, and Debian 12's 0.3.21 does not know newer CPUs (an Emerald Rapids
/// Xeon, family 6 model 207, here): it falls back to its SSE3 "Prescott" kernels, measured at 33 GFLOP/s on a 512^3
/// SGEMM against 154 for its SkylakeX (AVX-512) kernels on the same core. When the kernels it picked are such a
/// fallback on a CPU with AVX2 and FMA, and the user has not chosen through OPENBLAS_CORETYPE, the library is
/// unloaded and loaded again with OPENBLAS_CORETYPE naming the best kernels the CPU supports.
/// Unless the user sets OPENBLAS_THREAD_TIMEOUT, OpenBLAS is loaded with it at 16: its idle threads then
/// spin ~2^16 cycles (tens of microseconds: enough for back-to-back GEMMs) before sleeping instead of its
/// default 2^28 (~0.1 s), so they do not keep taking the cores from the fused CPU recurrence's threads
/// that run between GEMMs (whole-process pairs, large + xl steps: a timeout of 2^4 against 2^28 took 0.92x the
/// wall time and 0.89x the CPU time; 2^16 against 2^4 was even within the noise).
/// </summary>
internal static unsafe class OpenBlasLibrary
{
    private const string CoreTypeVariable = "OPENBLAS_CORETYPE", ThreadTimeoutVariable = "OPENBLAS_THREAD_TIMEOUT";
    private const string ThreadTimeout = "16";
    private static readonly string[] Names = ["libopenblas.so.0", "libopenblas.so", "openblas"];

    /// <summary>OpenBLAS kernel sets that already use AVX2/FMA or AVX-512 (openblas_get_corename's names).</summary>
    private static readonly HashSet<string> FullSpeedCores = new(StringComparer.OrdinalIgnoreCase)
    {
        "Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids",
    };

    private static readonly Lazy<Loaded> Instance = new(LoadOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// What loading found: the name loaded (null: none of <paramref name="Tried"/> has cblas_sgemm), its handle, the
    /// kernels it runs (openblas_get_corename) and the OPENBLAS_CORETYPE set for it (null: its own choice).
    /// </summary>
    internal sealed record Loaded(string? Name, IntPtr Handle, string? Core, string? ForcedCore, IReadOnlyList<string> Tried);

    /// <summary>Loads OpenBLAS on the first call; later calls return the same result.</summary>
    public static Loaded Get() => Instance.Value;

    private static Loaded LoadOnce()
    {
        // OpenBLAS reads its variables only while it initialises, i.e. when the library is (re)loaded.
        bool setTimeout = Environment.GetEnvironmentVariable(ThreadTimeoutVariable) is null;
        if (setTimeout)
            SetNativeEnvironment(ThreadTimeoutVariable, ThreadTimeout);
        try
        {
            return Load();
        }
        finally
        {
            if (setTimeout)
                SetNativeEnvironment(ThreadTimeoutVariable, null); // child processes keep the user's environment
        }
    }

    private static Loaded Load()
    {
        var tried = new List<string>();
        foreach (string name in Names)
        {
            tried.Add(name);
            if (!NativeLibrary.TryLoad(name, out IntPtr handle))
                continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _))
            {
                NativeLibrary.Free(handle);
                continue;
            }
            string? core = CoreName(handle), forced = null;
            if (BetterCore(core) is { } better && Environment.GetEnvironmentVariable(CoreTypeVariable) is null)
            {
                NativeLibrary.Free(handle);
                SetNativeEnvironment(CoreTypeVariable, better);
                try
                {
                    handle = NativeLibrary.Load(name);
                }
                finally
                {
                    SetNativeEnvironment(CoreTypeVariable, null); // child processes keep the user's environment
                }
                forced = better;
                core = CoreName(handle);
            }
            return new Loaded(name, handle, core, forced, tried);
        }
        return new Loaded(null, IntPtr.Zero, null, null, tried);
    }

    /// <summary>
    /// The kernel set to force when OpenBLAS chose <paramref name="core"/>: null unless that is a pre-AVX2 fallback on
    /// an x86 CPU with AVX2 and FMA; SkylakeX where AVX-512 F/BW/DQ/VL are there (what OpenBLAS runs on such CPUs it
    /// knows), Haswell otherwise.
    /// </summary>
    internal static string? BetterCore(string? core)
    {
        if (core is null || FullSpeedCores.Contains(core) || !Avx2.IsSupported || !Fma.IsSupported)
            return null;
        return Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported ? "SkylakeX" : "Haswell";
    }

    private static string? CoreName(IntPtr handle) =>
        NativeLibrary.TryGetExport(handle, "openblas_get_corename", out IntPtr get)
            ? Marshal.PtrToStringUTF8((IntPtr)((delegate* unmanaged<byte*>)get)())
            : null;

    /// <summary>setenv/unsetenv in the C runtime, which OpenBLAS's getenv reads (.NET's own environment is a copy).</summary>
    private static void SetNativeEnvironment(string name, string? value)
    {
        IntPtr process = NativeLibrary.GetMainProgramHandle();
        IntPtr key = Marshal.StringToCoTaskMemUTF8(name), text = value is null ? IntPtr.Zero : Marshal.StringToCoTaskMemUTF8(value);
        try
        {
            if (value is null)
            {
                if (NativeLibrary.TryGetExport(process, "unsetenv", out IntPtr unset))
                    ((delegate* unmanaged<IntPtr, int>)unset)(key);
            }
            else if (NativeLibrary.TryGetExport(process, "setenv", out IntPtr set))
                ((delegate* unmanaged<IntPtr, IntPtr, int, int>)set)(key, text, 1);
        }
        finally
        {
            Marshal.FreeCoTaskMem(key);
            Marshal.FreeCoTaskMem(text);
        }
    }
}
