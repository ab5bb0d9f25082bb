using System.Runtime.InteropServices;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuLstm.Device.GridPlans;

/// <summary>
/// CUDA limits dynamic shared memory to 48 KB per group unless a kernel is allowed more
/// (cuFuncSetAttribute(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES)), and ILGPU 1.5.3 has no call for it; nor
/// does it read the opt-in limit (CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 227 KB on H100/H200).
/// </summary>
internal static class CudaSharedMemory
{
    private const int MaxSharedMemoryPerBlockOptin = 97; // CUdevice_attribute
    private const int MaxDynamicSharedSizeBytes = 8;     // CUfunction_attribute

    private delegate int FuncSetAttribute(IntPtr function, int attribute, int value);

    private static readonly Lazy<FuncSetAttribute?> SetAttribute = new(() =>
    {
        foreach (string name in NativeLibraries.Candidates("cuda"))
        {
            if (NativeLibrary.TryLoad(name, out IntPtr library) && NativeLibrary.TryGetExport(library, "cuFuncSetAttribute", out IntPtr f))
                return Marshal.GetDelegateForFunctionPointer<FuncSetAttribute>(f);
        }
        return null;
    });

    /// <summary>The most dynamic shared memory a group may ask for on this CUDA device.</summary>
    public static int OptInLimit(CudaAccelerator accelerator) =>
        CudaAPI.CurrentAPI.GetDeviceAttribute((DeviceAttributeKind)MaxSharedMemoryPerBlockOptin, accelerator.DeviceId);

    /// <summary>Lets <paramref name="kernel"/> use <paramref name="bytes"/> of dynamic shared memory (a no-op at or below 48 KB).</summary>
    public static void Allow(Kernel kernel, int bytes)
    {
        if (kernel is not CudaKernel cuda || bytes <= 48 * 1024)
            return;
        var set = SetAttribute.Value ?? throw new InvalidOperationException("cuFuncSetAttribute was not found in libcuda.so.1.");
        using var bound = kernel.Accelerator.BindScoped(); // the driver call needs the kernel's context current on this thread
        int error = set(cuda.FunctionPtr, MaxDynamicSharedSizeBytes, bytes);
        if (error != 0)
            throw new InvalidOperationException($"cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, {bytes}) failed with CUDA error {error}.");
    }
}
