using System.Reflection;

namespace GpuLstm.Kernels;

/// <summary>Anchor for reflection: the kernel catalog discovers every kernel in this assembly.</summary>
public static class KernelAssembly
{
    public static Assembly Assembly => typeof(KernelAssembly).Assembly;
}
