using GpuLstm.Device;

namespace GpuLstm.Tests.Infrastructure;

/// <summary>
/// Names that tie a per-accelerator test class to its device: the collection (one shared device)
/// and the trait runners filter on (<c>--filter Accelerator=OpenCL</c>, <c>-trait Accelerator=Cuda</c>).
/// </summary>
public static class Accelerators
{
    public const string Trait = "Accelerator";

    public const string Cpu = "Cpu";
    public const string CpuLaunched = "CpuLaunched";
    public const string CpuGrid = "CpuGrid";
    public const string Cuda = "Cuda";
    public const string OpenCL = "OpenCL";

    /// <summary>The device kind a trait value needs, for the accelerators that may be absent.</summary>
    public static DeviceKind? OptionalKind(string trait) => trait switch
    {
        Cuda => DeviceKind.Cuda,
        OpenCL => DeviceKind.OpenCL,
        _ => null,
    };
}

[CollectionDefinition(Accelerators.Cpu)]
public sealed class CpuCollection : ICollectionFixture<CpuFixture>;

[CollectionDefinition(Accelerators.CpuLaunched)]
public sealed class CpuLaunchedCollection : ICollectionFixture<CpuLaunchedFixture>;

[CollectionDefinition(Accelerators.CpuGrid)]
public sealed class CpuGridCollection : ICollectionFixture<CpuGridFixture>;

[CollectionDefinition(Accelerators.Cuda)]
public sealed class CudaCollection : ICollectionFixture<CudaFixture>;

[CollectionDefinition(Accelerators.OpenCL)]
public sealed class OpenClCollection : ICollectionFixture<OpenClFixture>;
