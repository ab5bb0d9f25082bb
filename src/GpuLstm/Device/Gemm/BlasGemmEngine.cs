using GpuLstm.Kernels;
using ILGPU;

namespace GpuLstm.Device;

/// <summary>
/// Shared shape of the BLAS-backed engines: dense (possibly transposed) operands go to the library,
/// any other strided layout to GpuLstm's own kernel.
/// </summary>
internal abstract class BlasGemmEngine(IlgpuGemmEngine fallback) : IGemmEngine
{
    public abstract string Name { get; }

    public virtual bool TransposedBIsFree => true;

    public void Run(in GemmArgs args, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        if (BlasOperand.From(args) is { } layout)
            RunBlas(args, layout.A, layout.B, a, b, c);
        else
            fallback.Run(args, a, b, c);
    }

    /// <summary>Row-major C = alpha * op(A) op(B) + beta * C with the operands' BLAS layouts.</summary>
    protected abstract void RunBlas(in GemmArgs args, BlasOperand la, BlasOperand lb,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c);

    public virtual void Dispose() => fallback.Dispose();
}
