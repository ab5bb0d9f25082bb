using ILGPU;
using ILGPU.Runtime;

namespace GpuLstm.Device.Cpu;

/// <summary>Host pointers into CPU-accelerator views (plain host memory, as OpenBlasGemmEngine uses them).</summary>
internal static unsafe class CpuViews
{
    /// <summary>The first element's address; null for an invalid (default) view, which callers never read.</summary>
    public static float* Ptr(ArrayView<float> view) => view.IsValid ? (float*)view.LoadEffectiveAddressAsPtr() : null;

    /// <summary>p + offset, or null for an absent (flag off) buffer.</summary>
    public static float* Offset(float* p, long offset) => p is null ? null : p + offset;
}
