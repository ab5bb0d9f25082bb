using GpuLstm.Device;

namespace GpuLstm.Tests.Infrastructure;

/// <summary>
/// One device per accelerator kind for the whole run (ILGPU's own test pattern), shared by every
/// class of that kind through a collection fixture. A fixture whose device cannot be created holds
/// null and every test using it reports itself skipped, saying why.
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
                return (ComputeDevice.Create(kind, new ComputeDeviceOptions { InlineSmallCpuKernels = inlineSmallCpuKernels }), null);
            }
            catch (InvalidOperationException e) when (AcceleratorPresence.Missing(kind) is not null)
            {
                // Absent: skip. A device that is present but cannot be set up (say GPULSTM_GEMM=cublas
                // without cuBLAS) is a failure, not a skip, so the exception travels on.
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
