namespace GpuLstm.Device;

/// <summary>How an LSTM sequence's recurrence runs (GPULSTM_RECURRENCE=auto|gemm|stepwise|persistent).</summary>
public enum RecurrenceMode
{
    /// <summary>
    /// The device's best measured path: the fused CPU recurrence on the CPU accelerator (AVX-512), else
    /// <see cref="Gemm"/>. Step mode is not chosen unasked until a GPU run shows it faster.
    /// </summary>
    Auto,
    /// <summary>Per step a GEMM (cuBLAS, OpenBLAS or GpuLstm's kernel) into the gates, then the pointwise kernel: two launches.</summary>
    Gemm,
    /// <summary>
    /// Step mode: per step one kernel computes the recurrent product and the gate math together
    /// (LstmGridKernels.Forward/Backward launched for one step), one launch; the launch boundary is the barrier.
    /// </summary>
    Stepwise,
    /// <summary>
    /// The persistent kernel: the same kernels launched once per sequence, each group's slice of U staged in shared
    /// memory once, a grid barrier between steps. Where the grid cannot be resident at once (or U's slices do not fit)
    /// it runs in step mode and the device says so once.
    /// </summary>
    Persistent,
}
