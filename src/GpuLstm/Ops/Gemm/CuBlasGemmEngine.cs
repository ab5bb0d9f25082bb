using System.Reflection;
using System.Runtime.InteropServices;
using GpuLstm.Device;
using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace GpuLstm.Ops;

/// <summary>
/// CUDA GEMM through cuBLAS (ILGPU.Algorithms' binding). Row-major C = A B is column-major
/// C^T = B^T A^T, so A and B swap places in the call. Non-BLAS layouts use the ILGPU kernel.
/// </summary>
internal sealed class CuBlasGemmEngine : BlasGemmEngine
{
    private static readonly object ResolverLock = new();
    private static bool _resolverSet;

    private readonly CuBlas _blas;

    private CuBlasGemmEngine(ComputeDevice device, CuBlas blas) : base(new IlgpuGemmEngine(device, tiled: true)) => _blas = blas;

    public override string Name => "cublas";

    /// <summary>cuBLAS for a CUDA device when the library loads; null otherwise (the caller falls back).</summary>
    public static CuBlasGemmEngine? TryCreate(ComputeDevice device)
    {
        if (device.Accelerator is not CudaAccelerator cuda)
            return null;
        InstallResolver();
        try
        {
            var blas = new CuBlas(cuda) { PointerMode = CuBlasPointerMode.Host };
            blas.Stream = (CudaStream)cuda.DefaultStream;
            return new CuBlasGemmEngine(device, blas);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or CuBlasException)
        {
            return null;
        }
    }

    protected override void RunBlas(in GemmArgs args, BlasOperand la, BlasOperand lb,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c) =>
        _blas.Gemm(Op(lb), Op(la), args.N, args.M, args.K, args.Alpha,
            b, lb.LeadingDimension, a, la.LeadingDimension, args.Beta, c, args.CRowStride);

    private static CuBlasOperation Op(BlasOperand o) => o.Transposed ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;

    /// <summary>
    /// ILGPU.Algorithms asks for libcublas.so.10/11/12; newer CUDA (e.g. 13, shipped inside PyTorch's
    /// nvidia packages) names it differently. GPULSTM_CUBLAS or a search of known places finds it.
    /// </summary>
    private static void InstallResolver()
    {
        lock (ResolverLock)
        {
            if (_resolverSet)
                return;
            _resolverSet = true;
            NativeLibrary.SetDllImportResolver(typeof(CuBlas).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (!name.Contains("cublas", StringComparison.OrdinalIgnoreCase))
            return IntPtr.Zero;
        if (NativeLibrary.TryLoad(name, assembly, path, out IntPtr handle))
            return handle;
        foreach (string candidate in CublasCandidates())
        {
            if (NativeLibrary.TryLoad(candidate, out handle))
                return handle;
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> CublasCandidates()
    {
        string? explicitPath = Environment.GetEnvironmentVariable("GPULSTM_CUBLAS");
        if (!string.IsNullOrEmpty(explicitPath))
            yield return explicitPath;
        foreach (string version in new[] { "13", "12", "11" })
            yield return $"libcublas.so.{version}";
        foreach (string root in new[] { "/usr/local/lib", "/usr/lib", "/opt/conda/lib", Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + "/.local/lib" })
        {
            if (!Directory.Exists(root))
                continue;
            IEnumerable<string> found;
            try
            {
                found = Directory.EnumerateFiles(root, "libcublas.so*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 6, IgnoreInaccessible = true });
            }
            catch (IOException)
            {
                continue;
            }
            foreach (string file in found.Where(f => !f.Contains("Lt", StringComparison.Ordinal)).OrderByDescending(f => f))
                yield return file;
        }
    }

    public override void Dispose()
    {
        _blas.Dispose();
        base.Dispose();
    }
}
