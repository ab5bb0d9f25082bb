using System.Runtime.InteropServices;
using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Device;

/// <summary>
/// CPU-accelerator GEMM through OpenBLAS's cblas_sgemm on the buffers' host memory. CPU accelerator
/// views are plain host memory, so BLAS reads and writes them in place.
/// </summary>
internal sealed unsafe class OpenBlasGemmEngine : BlasGemmEngine
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private readonly ComputeDevice _device;
    /// <summary>
    /// Multiply-adds below which one OpenBLAS thread beats several: waking (and afterwards spinning)
    /// BLAS threads costs more than the small per-time-step GEMMs of an LSTM (measured here). At 2^22
    /// the small shape's whole-sequence GEMMs (x W, x^T dGates: 8.2M each) take 2 threads: 0.196 ->
    /// 0.126 ms and 0.182 -> 0.109 ms on a quiet machine (benchmarks/GpuLstm.Benchmarks gemm), while
    /// its per-step products (2.1M) stay on one.
    /// </summary>
    private const long SingleThreadWork = 1L << 22;

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged<int, void> _setThreads;

    // OpenBLAS's thread count is one setting per process, shared by every device using it, so the
    // last value set is tracked per process too: a given GEMM shape then always runs with the same
    // thread count, which keeps results bit-identical across devices.
    private static readonly object ThreadsLock = new();
    private static int _threads = -1;
    private static int _maxThreads = 1; // OpenBLAS's own default, read once

    private OpenBlasGemmEngine(ComputeDevice device, IntPtr handle, IntPtr sgemm)
        : base(new IlgpuGemmEngine(device, tiled: false))
    {
        _device = device;
        _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out IntPtr set)
            && NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out IntPtr get))
        {
            _setThreads = (delegate* unmanaged<int, void>)set;
            lock (ThreadsLock)
            {
                if (_threads < 0)
                    _maxThreads = _threads = ((delegate* unmanaged<int>)get)();
            }
        }
    }

    public override string Name => "openblas";

    public override bool TransposedBIsFree => false;

    /// <summary>The OpenBLAS kernels in use (openblas_get_corename, e.g. "SkylakeX"), with "forced" when GpuLstm chose them.</summary>
    public static string? Kernels => OpenBlasLibrary.Get() is { Core: { } core } lib
        ? lib.ForcedCore is null ? core : $"{core}, forced by OPENBLAS_CORETYPE over OpenBLAS's fallback"
        : null;

    /// <summary>Looks for OpenBLAS (Debian: libopenblas0-pthread) with cblas_sgemm; every name tried is listed.</summary>
    public static LibraryProbe Probe()
    {
        var lib = OpenBlasLibrary.Get();
        return new LibraryProbe("OpenBLAS", lib.Name, lib.Tried);
    }

    public static bool IsAvailable() => Probe().Found;

    /// <summary>OpenBLAS for the CPU accelerator; <see cref="Probe"/> must have found it.</summary>
    public static OpenBlasGemmEngine Create(ComputeDevice device)
    {
        var lib = OpenBlasLibrary.Get();
        if (lib.Name is null)
            throw new InvalidOperationException("OpenBLAS is not installed.");
        return new OpenBlasGemmEngine(device, lib.Handle, NativeLibrary.GetExport(lib.Handle, "cblas_sgemm"));
    }

    protected override void RunBlas(in GemmArgs args, BlasOperand la, BlasOperand lb,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        // Earlier kernels on the CPU accelerator must have finished writing the operands.
        _device.Accelerator.DefaultStream.Synchronize();
        SetThreads((long)args.M * args.N * args.K < SingleThreadWork ? 1 : Math.Min(_maxThreads, _device.Options.CpuThreads ?? int.MaxValue));
        _sgemm(RowMajor, la.Transposed ? Trans : NoTrans, lb.Transposed ? Trans : NoTrans,
            args.M, args.N, args.K, args.Alpha,
            (float*)a.LoadEffectiveAddressAsPtr(), la.LeadingDimension,
            (float*)b.LoadEffectiveAddressAsPtr(), lb.LeadingDimension,
            args.Beta, (float*)c.LoadEffectiveAddressAsPtr(), args.CRowStride);
    }

    private void SetThreads(int threads)
    {
        if (_setThreads == null)
            return;
        lock (ThreadsLock)
        {
            if (threads == _threads)
                return;
            _setThreads(threads);
            _threads = threads;
        }
    }

}
