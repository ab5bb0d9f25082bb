using GpuLstm.Device;
using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuLstm.Codegen;

/// <summary>
/// Compiles kernels to PTX and OpenCL C with ILGPU's backends directly, so the GPU code
/// generation can be checked on a machine without any GPU or driver.
/// </summary>
public sealed class KernelCodegen : IDisposable
{
    private readonly Context context;
    private readonly PTXBackend ptxBackend;
    private readonly CLBackend clBackend;

    /// <summary>Creates a codegen with its own context, configured like the runtime context unless <paramref name="configure"/> says otherwise.</summary>
    public KernelCodegen(Action<Context.Builder>? configure = null)
    {
        context = Context.Create(configure ?? ConfigureDefault);
        // H100; ISA 7.8 is the newest that CUDA 11.8's ptxas (Debian 12) reads. Like a real CUDA
        // device, ILGPU writes ".target" as the lowest architecture with the needed capabilities.
        var arch = CudaArchitecture.SM_90;
        ptxBackend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_78, null);
        // What a CL 2.0 NVIDIA device would report; sub-groups on so warp intrinsics still generate.
        var clCaps = new CLCapabilityContext(
            float16: false, float64: true, genericAddressSpace: true, int64_Atomics: true, subGroups: true);
        clBackend = new CLBackend(context, clCaps, CLDeviceVendor.Nvidia, CLCVersion.CL20);
    }

    /// <summary>
    /// The code-affecting settings of the runtime context (keep in sync with
    /// Device/DeviceSelector.CreateContext, which uses Default().Optimize(O1)); the accelerators it
    /// enables do not change generated code, so they are left out to keep this driver-free.
    /// Math mode stays default: Fast32BitOnly emits tanh.approx.ftz.f32, which ptxas rejects.
    /// </summary>
    public static void ConfigureDefault(Context.Builder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        DeviceSelector.ConfigureCompiler(builder.AutoAssertions().AutoIOOperations());
    }

    /// <summary>Compiles one kernel to PTX (ISA 7.8) for an sm_90 device.</summary>
    public string CompilePtx(MethodInfo kernel)
    {
        var entry = EntryPointOf(kernel);
        var specialization = KernelSpecialization.Empty;
        var compiled = (PTXCompiledKernel)ptxBackend.Compile(entry, specialization);
        return compiled.PTXAssembly;
    }

    /// <summary>Compiles one kernel to OpenCL C 2.0 source.</summary>
    public string CompileOpenCl(MethodInfo kernel)
    {
        var entry = EntryPointOf(kernel);
        var specialization = KernelSpecialization.Empty;
        var compiled = (CLCompiledKernel)clBackend.Compile(entry, specialization);
        return compiled.Source;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        clBackend.Dispose();
        ptxBackend.Dispose();
        context.Dispose();
    }

    private static EntryPointDescription EntryPointOf(MethodInfo kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return KernelCatalog.IsImplicitlyGrouped(kernel)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
    }
}
