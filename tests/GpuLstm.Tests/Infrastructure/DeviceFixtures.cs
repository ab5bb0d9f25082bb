using GpuLstm.Device;

namespace GpuLstm.Tests.Infrastructure;

/// <summary>
/// One fixture per accelerator kind (ILGPU's own test pattern). A fixture whose device is absent
/// holds null and every test using it reports itself skipped, saying why.
/// </summary>
public abstract class DeviceFixture : IDisposable
{
    private readonly Lazy<(ComputeDevice? Device, string? Missing)> _device;

    protected DeviceFixture(DeviceKind kind, bool inlineSmallCpuKernels = true)
    {
        Kind = kind;
        _device = new Lazy<(ComputeDevice?, string?)>(() =>
        {
            try
            {
                return (ComputeDevice.Create(kind, inlineSmallCpuKernels), null);
            }
            catch (InvalidOperationException e)
            {
                return (null, e.Message);
            }
        });
    }

    public DeviceKind Kind { get; }

    /// <summary>The device, or a skip naming the missing kind.</summary>
    public ComputeDevice Device
    {
        get
        {
            var (device, missing) = _device.Value;
            Skip.If(device is null, $"{Kind} tests skipped: {missing}");
            return device!;
        }
    }

    public void Dispose()
    {
        if (_device.IsValueCreated)
            _device.Value.Device?.Dispose();
    }
}

public sealed class CpuFixture() : DeviceFixture(DeviceKind.Cpu);

/// <summary>The CPU accelerator with every kernel going through ILGPU's launcher (no inline fast path).</summary>
public sealed class CpuLaunchedFixture() : DeviceFixture(DeviceKind.Cpu, inlineSmallCpuKernels: false);

public sealed class CudaFixture() : DeviceFixture(DeviceKind.Cuda);

public sealed class OpenClFixture() : DeviceFixture(DeviceKind.OpenCL);
