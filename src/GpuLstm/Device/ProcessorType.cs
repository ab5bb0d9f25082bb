namespace GpuLstm.Device;

/// <summary>What a device physically is; an OpenCL device may be a CPU (PoCL) as well as a GPU.</summary>
public enum ProcessorType
{
    Gpu,
    Cpu,
    Other,
}
