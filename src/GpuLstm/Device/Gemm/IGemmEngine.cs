using GpuLstm.Kernels;
using ILGPU;

namespace GpuLstm.Device;

/// <summary>One way of running C = alpha*A*B + beta*C on a device.</summary>
internal interface IGemmEngine : IDisposable
{
    string Name { get; }

    void Run(in GemmArgs args, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c);
}
