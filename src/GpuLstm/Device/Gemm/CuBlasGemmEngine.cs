using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace GpuLstm.Device;

/// <summary>
/// CUDA GEMM through cuBLAS (ILGPU.Algorithms' binding). Row-major C = A B is column-major
/// C^T = B^T A^T, so A and B swap places in the call. Non-BLAS layouts use the ILGPU kernel.
/// </summary>
internal sealed class CuBlasGemmEngine : BlasGemmEngine
{
    /// <summary>CUBLAS_TF32_TENSOR_OP_MATH; ILGPU.Algorithms' enum has no name for it.</summary>
    private const CuBlasMathMode Tf32TensorOpMath = (CuBlasMathMode)3;

    private readonly CuBlas _blas;

    private CuBlasGemmEngine(ComputeDevice device, CuBlas blas, bool tf32) : base(new IlgpuGemmEngine(device, tiled: true))
    {
        _blas = blas;
        UsesTf32 = tf32;
    }

    public override string Name => "cublas";

    public bool UsesTf32 { get; }

    /// <summary>cuBLAS for a CUDA device; <see cref="CuBlasLibrary.Probe"/> must have found the library.</summary>
    public static CuBlasGemmEngine Create(ComputeDevice device, bool tf32)
    {
        var cuda = (CudaAccelerator)device.Accelerator;
        var blas = new CuBlas(cuda) { PointerMode = CuBlasPointerMode.Host };
        try
        {
            blas.Stream = (CudaStream)cuda.DefaultStream;
            if (tf32)
                blas.MathMode = Tf32TensorOpMath;
            return new CuBlasGemmEngine(device, blas, tf32);
        }
        catch
        {
            blas.Dispose();
            throw;
        }
    }

    protected override void RunBlas(in GemmArgs args, BlasOperand la, BlasOperand lb,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c) =>
        _blas.Gemm(Op(lb), Op(la), args.N, args.M, args.K, args.Alpha,
            b, lb.LeadingDimension, a, la.LeadingDimension, args.Beta, c, args.CRowStride);

    private static CuBlasOperation Op(BlasOperand o) => o.Transposed ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;

    public override void Dispose()
    {
        _blas.Dispose();
        base.Dispose();
    }
}
