using GpuLstm.Kernels;
using ILGPU;

namespace GpuLstm.Device;

/// <summary>One way of running C = alpha*A*B + beta*C on a device.</summary>
internal interface IGemmEngine : IDisposable
{
    string Name { get; }

    /// <summary>
    /// False when a transposed B operand is measurably slower than a plain one (OpenBLAS: ~13% on the LSTM's
    /// per-step [B, 4H] x [4H, H]), so a caller multiplying by the same B many times should transpose it once.
    /// </summary>
    bool TransposedBIsFree { get; }

    void Run(in GemmArgs args, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c);
}
