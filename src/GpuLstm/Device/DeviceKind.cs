namespace GpuLstm.Device;

/// <summary>The backends GpuLstm runs on, in order of preference.</summary>
public enum DeviceKind
{
    Cuda,
    OpenCL,
    Cpu,
}
