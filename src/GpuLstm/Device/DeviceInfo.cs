namespace GpuLstm.Device;

/// <summary>One accelerator ILGPU can see, as `gpulstm devices` lists it.</summary>
/// <param name="Gemm">The GEMM engine a device made from it would use (and its library), with the reason when it is a fall-back.</param>
/// <param name="Chosen">Whether GpuLstm would choose this device for the request List was given.</param>
public sealed record DeviceInfo(DeviceKind Kind, ProcessorType Type, string Name, long MemoryBytes, int WarpSize,
    int Multiprocessors, string Gemm, bool Chosen);
