namespace GpuLstm.Kernels;

/// <summary>
/// C[M,N] = alpha * A[M,K] * B[K,N] + beta * C. Operands are addressed through explicit strides,
/// so a transposed operand is just swapped strides: one kernel, no per-flag variants.
/// </summary>
public struct GemmArgs
{
    public int M;
    public int N;
    public int K;
    public int ARowStride;
    public int AColStride;
    public int BRowStride;
    public int BColStride;
    public int CRowStride;
    public float Alpha;
    public float Beta;
}
