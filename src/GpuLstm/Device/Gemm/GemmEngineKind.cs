namespace GpuLstm.Device;

/// <summary>Which GEMM engine a device uses (GPULSTM_GEMM=auto|cublas|openblas|ilgpu).</summary>
public enum GemmEngineKind
{
    /// <summary>The vendor library for the device when it loads (cuBLAS on CUDA, OpenBLAS on the CPU), else GpuLstm's kernel, with a warning.</summary>
    Auto,
    /// <summary>cuBLAS; an error when it cannot be loaded or the device is not CUDA.</summary>
    CuBlas,
    /// <summary>OpenBLAS; an error when it cannot be loaded or the device is not the CPU accelerator.</summary>
    OpenBlas,
    /// <summary>GpuLstm's own ILGPU GEMM kernel, on any device.</summary>
    Ilgpu,
}
