using GpuLstm.Device;
using GpuLstm.Memory;
using ILGPU;
using ILGPU.Runtime.CPU;

namespace GpuLstm.Tests.Devices;

/// <summary>Backend choice, overrides and host-provided accelerators.</summary>
public sealed class DeviceSelectionTests
{
    [Theory]
    [InlineData("cuda", DeviceKind.Cuda)]
    [InlineData("OpenCL", DeviceKind.OpenCL)]
    [InlineData(" cpu ", DeviceKind.Cpu)]
    public void ParsesKinds(string text, DeviceKind expected) => Assert.Equal(expected, DeviceSelector.ParseKind(text));

    [Fact]
    public void UnknownKindIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceSelector.ParseKind("tpu"));
        Assert.Contains("GPULSTM_DEVICE", e.Message);
        Assert.Contains("cuda, opencl or cpu", e.Message);
    }

    [Fact]
    public void AbsentDeviceListsThosePresent()
    {
        using var context = Context.Create(b => b.CPU());
        var e = Assert.Throws<InvalidOperationException>(() => DeviceSelector.Choose(context, DeviceKind.Cuda));
        Assert.Contains("No cuda device", e.Message);
        Assert.Contains("cpu (", e.Message);
    }

    [Fact]
    public void PrefersCudaThenOpenClGpusThenTheCpuAccelerator()
    {
        using var context = Context.Create(b => b.CPU());
        Assert.Equal(ILGPU.Runtime.AcceleratorType.CPU, DeviceSelector.Choose(context, null).AcceleratorType);

        int? Rank(DeviceKind kind, ProcessorType type) => DeviceSelector.AutomaticRank(kind, type);
        Assert.True(Rank(DeviceKind.Cuda, ProcessorType.Gpu) < Rank(DeviceKind.OpenCL, ProcessorType.Gpu));
        Assert.True(Rank(DeviceKind.OpenCL, ProcessorType.Gpu) < Rank(DeviceKind.Cpu, ProcessorType.Cpu));
        // An OpenCL CPU device (PoCL) is ~9x slower than the CPU accelerator: never taken unasked.
        Assert.Null(Rank(DeviceKind.OpenCL, ProcessorType.Cpu));
        Assert.Null(Rank(DeviceKind.OpenCL, ProcessorType.Other));
    }

    [Fact]
    public void HostAcceleratorIsUsedButNotDisposed()
    {
        using var context = Context.Create(b => b.CPU());
        using var accelerator = context.CreateCPUAccelerator(0);
        using (var device = ComputeDevice.FromAccelerator(accelerator))
        {
            using var t = Tensor.FromArray(device, [1f, 2f, 3f], [3]);
            t.Fill(4f);
            Assert.Equal(new[] { 4f, 4f, 4f }, t.ToArray());
        }
        Assert.False(accelerator.IsDisposed);
        using var buffer = accelerator.Allocate1D<float>(4); // still usable
        Assert.Equal(4, buffer.Length);
    }

    [Fact]
    public void BadShapesAreRejectedWithTheirName()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(device, [1f, 2f, 3f], [2, 2], "batch_x"));
        Assert.Contains("batch_x", e.Message);
        Assert.Contains("[2, 2]", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Allocate(device, [3, 0]));
    }
}
