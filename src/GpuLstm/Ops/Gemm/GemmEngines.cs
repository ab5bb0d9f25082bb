using GpuLstm.Device;

namespace GpuLstm.Ops;

/// <summary>
/// Picks the GEMM engine for a device: cuBLAS on CUDA when it loads, OpenBLAS on the CPU
/// accelerator when installed, GpuLstm's own ILGPU kernel otherwise. GPULSTM_GEMM=ilgpu forces the kernel.
/// </summary>
internal static class GemmEngines
{
    public const string EnvironmentVariable = "GPULSTM_GEMM";

    public static IGemmEngine Create(ComputeDevice device)
    {
        string? forced = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.Equals(forced, "ilgpu", StringComparison.OrdinalIgnoreCase))
            return new IlgpuGemmEngine(device);
        return (IGemmEngine?)CuBlasGemmEngine.TryCreate(device)
            ?? (IGemmEngine?)OpenBlasGemmEngine.TryCreate(device)
            ?? new IlgpuGemmEngine(device);
    }
}
