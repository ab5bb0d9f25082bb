using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuLstm.Device.GridPlans;

/// <summary>
/// A device's side of the grid recurrence: its limits, how many groups it keeps resident, the grid barrier's
/// state (two ints, zeroed before each persistent launch) and the choice between the persistent plan and step mode.
/// </summary>
internal sealed class DeviceGrid(ComputeDevice device) : IDisposable
{
    private readonly ComputeDevice _device = device;
    private readonly HashSet<string> _said = [];
    private readonly HashSet<Kernel> _allowed = [];
    private readonly Dictionary<(GridCell, bool, int, int), int> _resident = [];
    private MemoryBuffer1D<int, Stride1D.Dense>? _barrier;
    private GridLimits? _limits;

    /// <summary>
    /// CUDA: the SMs and the opt-in shared memory per group. OpenCL: compute units and local memory. The CPU
    /// accelerator: its multiprocessors, each running one group at a time.
    /// </summary>
    public GridLimits Limits
    {
        get => _limits ??= LimitsOf(_device.Accelerator);
        set => _limits = value; // test seam: a device with other limits
    }

    /// <summary>The barrier state [2], allocated on first use and zeroed by <see cref="Prepare"/> before each persistent launch.</summary>
    public ArrayView<int> Barrier => (_barrier ??= _device.Accelerator.Allocate1D<int>(2)).View;

    /// <summary>
    /// Groups of both grid kernels the whole device keeps resident at <paramref name="groupSize"/> threads and
    /// <paramref name="sharedBytes"/> of shared memory. CUDA asks its occupancy calculator; the CPU accelerator runs one
    /// group per multiprocessor at a time. OpenCL promises no forward progress between groups at all: an AMD or
    /// NVIDIA GPU is trusted with one group per compute unit, other OpenCL devices (Intel GPUs count EUs as compute
    /// units; CPU drivers, see <see cref="Limits"/>) with one group. Persistent is never chosen unasked.
    /// </summary>
    public int ResidentGroups(GridCell cell, bool tf32, int groupSize, int sharedBytes)
    {
        var accelerator = _device.Accelerator;
        if (accelerator is CLAccelerator { Device: CLDevice { Vendor: not (CLDeviceVendor.AMD or CLDeviceVendor.Nvidia) } })
            return 1;
        if (accelerator is not CudaAccelerator)
            return Limits.Multiprocessors;
        // Asked by every plan and every persistent launch (forward and backward): the occupancy calculator once per shape.
        var key = (cell, tf32, groupSize, sharedBytes);
        if (_resident.TryGetValue(key, out int known))
            return known;
        int perMultiprocessor = int.MaxValue;
        var (forward, backward) = _device.Kernels.GridKernels(cell, tf32);
        foreach (var kernel in new[] { forward, backward })
        {
            AllowSharedMemory(kernel);
            perMultiprocessor = Math.Min(perMultiprocessor,
                accelerator.EstimateMaxActiveGroupsPerMultiprocessor(kernel, groupSize, sharedBytes));
        }
        return _resident[key] = perMultiprocessor * accelerator.NumMultiprocessors;
    }

    /// <summary>
    /// The persistent plan when asked for and possible; else step mode, saying once per reason why a persistent
    /// request runs in step mode instead.
    /// </summary>
    /// <param name="tf32">the recurrent products on TF32 tensor cores (CUDA sm_80+ only; the caller checks)</param>
    public RecurrenceGridPlan Plan(GridCell cell, bool persistent, int batch, int hidden, bool tf32)
    {
        if (persistent)
        {
            var plan = RecurrenceGridPlanner.Persistent(batch, hidden, Limits, (size, bytes) => ResidentGroups(cell, tf32, size, bytes),
                out string whyNot, cell.Gates(), tf32);
            if (plan is not null)
                return plan;
            string message = $"the persistent {cell.ToString().ToUpperInvariant()} recurrence cannot run here ({whyNot}): it runs in step mode, one launch per step.";
            if (_said.Add(message))
                DeviceWarnings.Emit(_device.Options, message);
        }
        return RecurrenceGridPlanner.Stepwise(batch, hidden, Limits, cell.Gates(), tf32);
    }

    /// <summary>
    /// Before a launch: lets the kernel have its shared memory and, for a persistent launch, guards against deadlock
    /// and zeroes the barrier state (on the stream, before the kernel).
    /// </summary>
    public void Prepare(GridCell cell, bool forward, RecurrenceGridPlan plan)
    {
        var (forwardKernel, backwardKernel) = _device.Kernels.GridKernels(cell, plan.Tf32);
        AllowSharedMemory(forward ? forwardKernel : backwardKernel);
        if (!plan.Persistent)
            return;
        int sharedBytes = forward ? plan.ForwardSharedBytes : plan.BackwardSharedBytes;
        RecurrenceGridPlan.EnsureResident(Limits.Device, plan.Groups, ResidentGroups(cell, plan.Tf32, plan.GroupSize, sharedBytes),
            plan.GroupSize, sharedBytes);
        Barrier.MemSetToZero();
    }

    public void Dispose() => _barrier?.Dispose();

    /// <summary>Once per kernel: CUDA's limit on its dynamic shared memory raised to what the device allows a group.</summary>
    private void AllowSharedMemory(Kernel kernel)
    {
        if (_allowed.Add(kernel))
            CudaSharedMemory.Allow(kernel, Limits.MaxSharedBytesPerGroup);
    }

    /// <summary>
    /// An OpenCL CPU driver gets one group: ILGPU 1.5.3's OpenCL code keeps each group's dynamic shared memory pointer
    /// in one program-scope variable, so on PoCL (whose groups run on threads with their own local memory) two
    /// groups running at once read each other's slices (seen: step mode wrong with 2 groups, right with
    /// POCL_CPU_MAX_CU_NUM=1). On GPUs every group's local memory starts at the same address, so it does no harm.
    /// </summary>
    private static GridLimits LimitsOf(Accelerator accelerator) => accelerator switch
    {
        CudaAccelerator cuda => new GridLimits(cuda.Name, cuda.NumMultiprocessors, cuda.MaxNumThreadsPerGroup,
            CudaSharedMemory.OptInLimit(cuda), 256),
        CLAccelerator { Device: CLDevice { DeviceType: CLDeviceType.CL_DEVICE_TYPE_CPU } } cpu => new GridLimits(cpu.Name, 1,
            cpu.MaxNumThreadsPerGroup, cpu.MaxSharedMemoryPerGroup, Math.Min(256, cpu.MaxNumThreadsPerGroup)),
        _ => new GridLimits(accelerator.Name, accelerator.NumMultiprocessors, accelerator.MaxNumThreadsPerGroup,
            accelerator.MaxSharedMemoryPerGroup, Math.Min(256, accelerator.MaxNumThreadsPerGroup)),
    };
}
