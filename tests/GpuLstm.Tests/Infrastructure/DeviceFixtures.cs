using ILGPU.Runtime.CPU;
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
        : this(kind, () => ComputeDevice.Create(kind, new ComputeDeviceOptions { InlineSmallCpuKernels = inlineSmallCpuKernels }))
    {
    }

    protected DeviceFixture(DeviceKind kind, Func<ComputeDevice> create)
    {
        Kind = kind;
        _device = new Lazy<(ComputeDevice?, string?)>(() =>
        {
            try
            {
                return (create(), null);
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

    public virtual void Dispose()
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

/// <summary>
/// The CPU accelerator set up as a small GPU: 4 multiprocessors of 8 threads (warps of 4), every kernel through
/// ILGPU's launcher. Grid recurrences run several groups here, each on its own multiprocessor, so the persistent
/// kernel's grid barrier really synchronises groups running at the same time.
/// </summary>
public sealed class CpuGridFixture : DeviceFixture
{
    private static ILGPU.Context? _context;
    private static ILGPU.Runtime.CPU.CPUAccelerator? _accelerator;

    public CpuGridFixture()
        : base(DeviceKind.Cpu, Create)
    {
    }

    private static ComputeDevice Create()
    {
        _context = ILGPU.Context.Create(b => DeviceSelector.ConfigureCompiler(b.CPU()));
        _accelerator = new ILGPU.Runtime.CPU.CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 2, numMultiprocessors: 4)
            .CreateCPUAccelerator(_context);
        return ComputeDevice.FromAccelerator(_accelerator, new ComputeDeviceOptions { InlineSmallCpuKernels = false });
    }

    public override void Dispose()
    {
        base.Dispose();
        _accelerator?.Dispose();
        _context?.Dispose();
    }
}
