namespace GpuLstm.Device;

/// <summary>One accelerator ILGPU can see, as `gpulstm devices` lists it.</summary>
public sealed record DeviceInfo(DeviceKind Kind, string Name, long MemoryBytes, int WarpSize, int Multiprocessors);
