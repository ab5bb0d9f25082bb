using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Models;

/// <summary>
/// Sizes are counted in 64 bits and checked before anything is allocated; a model too large for one
/// device buffer, or a device out of memory, is a clear error naming the layer, the tensor and the
/// bytes, and a failed Build leaves nothing allocated.
/// </summary>
public abstract class SizeLimitTests(DeviceFixture fixture)
{
    /// <summary>What the device holds: bytes, buffers handed out, allocations made.</summary>
    private (long Bytes, int Rented, long Allocations) Held(ComputeDevice device) =>
        (device.Counters.BytesInUse, device.Pool.RentedBuffers, device.Counters.Allocations);

    [SkippableFact]
    public void A25000UnitLstmCountsItsParametersIn64BitsWithoutAllocating()
    {
        var device = fixture.Device;
        var before = Held(device);
        using var model = new Sequential(device: device);
        model.Add(new Lstm(25000, inputShape: (5, 10)));
        model.Add(new Dense(1));
        long lstm = 4L * 25000 * (10 + 25000) + 4L * 25000; // Keras: 4u(I + u + 1)
        Assert.Equal(2_501_100_000L, lstm);
        Assert.Equal(lstm, model.Layers[0].ParameterCount);
        string text = model.SummaryText();
        Assert.Contains("│ lstm (LSTM)                     │ (None, 25000)          │ 2,501,100,000 │", text);
        Assert.Contains(" Total params: 2,501,125,001 (9.32 GB)\n", text);
        Assert.Equal(before, Held(device));
    }

    [SkippableFact]
    public void A33000UnitLstmIsRefusedBeforeAllocatingNamingTheLayerTheTensorAndTheBytes()
    {
        var device = fixture.Device;
        using var model = new Sequential(device: device);
        model.Add(new Lstm(33000, inputShape: (5, 10)));
        var before = Held(device);
        var e = Assert.Throws<ArgumentException>(model.Build);
        Assert.Equal("sequential: lstm (LSTM) recurrent_kernel: shape [33000, 132000] has 4,356,000,000 elements " +
            "(17,424,000,000 bytes (16.23 GB)), more than one device buffer holds (2,147,483,647).", e.Message);
        Assert.Equal(before, Held(device));
        Assert.False(model.IsBuilt);
        // Fit builds the same way: the same error, still nothing allocated.
        model.Compile("adam", "mse");
        var x = new HostArray(new float[2 * 5 * 10], 2, 5, 10);
        Assert.Equal(e.Message, Assert.Throws<ArgumentException>(() => model.Fit(x, new HostArray(new float[2 * 33000], 2, 33000), verbose: 0)).Message);
        Assert.Equal(before, Held(device));
    }

    [SkippableFact]
    public void WeightsThatFitOneByOneButNotTogetherAreRefusedNamingEveryLayer()
    {
        var device = fixture.Device;
        using var model = new Sequential(device: device);
        model.Add(new Lstm(20000, returnSequences: true, inputShape: (3, 10))); // each weight at most [20000, 80000]
        model.Add(new Lstm(20000));
        var before = Held(device);
        var e = Assert.Throws<ArgumentException>(model.Build);
        long first = 4L * 20000 * (10 + 20000 + 1), second = 4L * 20000 * (20000 + 20000 + 1);
        Assert.Equal($"sequential: the weights of lstm (LSTM) {first:N0} weights, lstm_1 (LSTM) {second:N0} weights total {first + second:N0} floats " +
            $"({(first + second) * 4:N0} bytes (17.88 GB), and as much again for their gradients); they live in one device buffer, " +
            "which holds at most 2,147,483,647. Use fewer units or layers.", e.Message);
        Assert.Equal(before, Held(device));
    }

    [SkippableFact]
    public void OutOfMemoryDuringBuildNamesTheLayersTheTensorAndTheBytesAndFreesWhatWasAllocated()
    {
        var device = fixture.Device;
        using var model = SmallModel(device);
        device.Pool.Trim(); // both weight buffers must come from the device
        var before = Held(device);
        int calls = 0;
        device.Pool.BeforeAllocate = _ =>
        {
            if (++calls >= 2) // the values get memory, the gradients (and their retry) do not
                throw new OutOfMemoryException("simulated: the device is full");
        };
        try
        {
            var e = Assert.Throws<InsufficientMemoryException>(model.Build);
            long weights = 4 * 48 * (7 + 48 + 1) + 48 * 3 + 3, bytes = (weights + 255) / 256 * 256 * 4; // the pool rounds up to 256 floats
            Assert.StartsWith($"sequential: cannot allocate the weights of lstm (LSTM) 10,752 weights, dense (Dense) 147 weights: " +
                $"gradients [{weights}]: out of device memory on {device} asking for {bytes:N0} bytes (43.00 KB); GpuLstm already holds ", e.Message);
            Assert.IsType<OutOfMemoryException>(e.InnerException!.InnerException);
            Assert.Equal(3, calls); // values, gradients, gradients again after freeing the cache
            // The values' buffer was freed back to the device, not kept: nothing stays allocated.
            Assert.Equal((before.Bytes, before.Rented), (device.Counters.BytesInUse, device.Pool.RentedBuffers));
            Assert.False(model.IsBuilt);
        }
        finally
        {
            device.Pool.BeforeAllocate = null;
        }
        model.Build();
        Assert.All(model.Predict(new HostArray(new float[2 * 4 * 7], 2, 4, 7)).Data, v => Assert.True(float.IsFinite(v)));
    }

    [SkippableFact]
    public void AnAllocationThatFailsOnceIsRetriedAfterFreeingTheCache()
    {
        var device = fixture.Device;
        // The fixture's device is shared: empty its cache, so Build must allocate, then cache a size Build does not use.
        device.Pool.Trim();
        Tensor.Allocate(device, [12347], "cached").Dispose();
        Assert.Equal(1, device.Pool.CachedBuffers);
        using var model = SmallModel(device);
        int calls = 0, cachedAtRetry = -1;
        device.Pool.BeforeAllocate = _ =>
        {
            if (++calls == 1)
                throw new OutOfMemoryException("simulated: full until the cache is freed");
            if (calls == 2)
                cachedAtRetry = device.Pool.CachedBuffers;
        };
        try
        {
            model.Build();
        }
        finally
        {
            device.Pool.BeforeAllocate = null;
        }
        Assert.True(model.IsBuilt);
        // The retry came after freeing the cache (Build may cache temporaries of its own afterwards).
        Assert.True(calls >= 2, $"{calls} allocation(s): the failed one was not retried");
        Assert.Equal(0, cachedAtRetry);
    }

    [SkippableFact]
    public void OutOfMemoryInPredictNamesTheLayerTheTensorAndTheBytes()
    {
        var device = fixture.Device;
        using var model = SmallModel(device);
        var x = new HostArray(Enumerable.Range(0, 2 * 6 * 7).Select(i => MathF.Sin(i)).ToArray(), 2, 6, 7);
        var expected = model.Predict(x).Data;
        device.Pool.Trim();
        var before = Held(device);
        // The LSTM's forward workspace: gates [T, B, 4H] and h, c [T+1, B, H], rounded up to 256 floats.
        long workspace = 6 * 2 * 4 * 48 + 2 * 7 * 2 * 48, bytes = (workspace + 255) / 256 * 256 * 4;
        device.Pool.BeforeAllocate = asked =>
        {
            if (asked == bytes)
                throw new OutOfMemoryException("simulated: the device is full");
        };
        try
        {
            var e = Assert.Throws<InsufficientMemoryException>(() => model.Predict(x));
            Assert.StartsWith($"lstm (LSTM) on input [2, 6, 7]: lstm.workspace [{workspace}]: out of device memory on {device} asking for {bytes:N0} bytes (15.00 KB); ",
                e.Message);
            Assert.Equal(before.Rented, device.Pool.RentedBuffers); // the failed batch's activations went back
        }
        finally
        {
            device.Pool.BeforeAllocate = null;
        }
        Assert.Equal(expected, model.Predict(x).Data);
    }

    [SkippableFact]
    public void AWorkspaceLargerThanOneBufferIsRefusedNamingTheLayerAndItsSizes()
    {
        var device = fixture.Device;
        using var model = new Sequential(device: device);
        model.Add(new Lstm(512, inputShape: (5, 1)));
        const int steps = 1_100_000; // 4 MB of input, but gates [T, B, 4H] alone would be 9 GB
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new HostArray(new float[steps], 1, steps, 1)));
        long floats = (long)steps * 4 * 512 + 2L * (steps + 1) * 512;
        Assert.Equal($"lstm: the forward workspace (gates [T, B, 4H], h and c [T+1, B, H]) for 1,100,000 steps, batch 1 and 512 units needs {floats:N0} floats " +
            $"({floats * 4:N0} bytes (12.59 GB)), more than one device buffer holds (2,147,483,647); use a smaller batch or shorter sequences.", e.Message);
        Assert.Single(model.Predict(new HostArray(new float[5], 1, 5, 1)).Shape.Skip(1), 512);
    }

    [SkippableFact]
    public void UnitsWhoseGateAxisOverflowsAnIntAreRefusedAtBuild()
    {
        using var model = new Sequential(device: fixture.Device);
        var e = Assert.Throws<ArgumentException>(() => model.Add(new Lstm(600_000_000, inputShape: (5, 1))));
        Assert.Equal("lstm (LSTM): 4 gates × 600,000,000 units = 2,400,000,000 kernel columns, more than one axis holds (2,147,483,647).", e.Message);
    }

    [SkippableFact]
    public void AParameterSetThatFailsAfterAllocatingFreesItsBuffers()
    {
        var device = fixture.Device;
        device.Pool.Trim();
        var before = Held(device);
        var e = Assert.Throws<ArgumentException>(() => new GpuLstm.Optimizers.ParameterSet(device, [("w", [300, 7]), ("w", [5])]));
        Assert.Equal("ParameterSet: duplicate parameter name 'w'.", e.Message);
        Assert.True(device.Counters.Allocations > before.Allocations); // it had allocated both buffers
        Assert.Equal((before.Bytes, before.Rented), (device.Counters.BytesInUse, device.Pool.RentedBuffers));
        Assert.Equal(0, device.Pool.CachedBuffers); // freed to the device, not cached
    }

    private static Sequential SmallModel(ComputeDevice device)
    {
        var model = new Sequential(device: device, seed: 2);
        model.Add(new Lstm(48, inputShape: (4, 7)));
        model.Add(new Dense(3));
        return model;
    }
}

[Collection(Accelerators.Cpu), Trait(Accelerators.Trait, Accelerators.Cpu)]
public sealed class CpuSizeLimitTests(CpuFixture fixture) : SizeLimitTests(fixture);

[Collection(Accelerators.Cuda), Trait(Accelerators.Trait, Accelerators.Cuda)]
public sealed class CudaSizeLimitTests(CudaFixture fixture) : SizeLimitTests(fixture);

[Collection(Accelerators.OpenCL), Trait(Accelerators.Trait, Accelerators.OpenCL)]
public sealed class OpenClSizeLimitTests(OpenClFixture fixture) : SizeLimitTests(fixture);
