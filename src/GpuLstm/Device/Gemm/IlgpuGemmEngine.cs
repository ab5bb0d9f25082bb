using GpuLstm.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Device;

/// <summary>
/// GEMM by GpuLstm's own kernels: the shared-memory tiled kernel on GPUs, the grid-stride kernel
/// where shared memory is simulated (CPU accelerator) or when forced.
/// </summary>
internal sealed class IlgpuGemmEngine : IGemmEngine
{
    private readonly ComputeDevice _device;
    private readonly bool _tiled;

    public IlgpuGemmEngine(ComputeDevice device, bool? tiled = null)
    {
        _device = device;
        _tiled = tiled ?? device.Kind != DeviceKind.Cpu;
    }

    public string Name => _tiled ? "ilgpu-tiled" : "ilgpu-grid-stride";

    public bool TransposedBIsFree => true;

    public void Run(in GemmArgs args, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        if (_tiled)
        {
            var grid = new Index2D((args.N + GemmKernels.TileSize - 1) / GemmKernels.TileSize,
                (args.M + GemmKernels.TileSize - 1) / GemmKernels.TileSize);
            var group = new Index2D(GemmKernels.GroupEdge, GemmKernels.GroupEdge);
            _device.Kernels.GemmTiled(new KernelConfig(grid, group), args, a, b, c);
            return;
        }
        int threads = _device.Threads((long)args.M * args.N);
        _device.Kernels.GemmGridStride(threads, threads, args, a, b, c);
    }

    public void Dispose()
    {
    }
}
