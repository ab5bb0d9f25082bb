using GpuLstm.Device.Cpu;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Device;

/// <summary>
/// CpuAdam, CpuSwapAxes and CpuElementwise (SIMD host code of the CPU accelerator's host-thread mode)
/// against OptimizerKernels.AdamUpdate and ElementwiseKernels.SwapLeadingAxes/Fill/Axpby launched
/// through ILGPU's CPU launcher. They do the kernels' operations in the kernels' order, so the results
/// must be bit-identical, NaN and infinite inputs included. CPU-only by nature: one class, not one per accelerator.
/// </summary>
[Collection(Accelerators.CpuLaunched), Trait(Accelerators.Trait, Accelerators.CpuLaunched)]
public sealed class CpuBitIdenticalKernelTests(CpuLaunchedFixture fixture)
{
    [SkippableTheory]
    [InlineData(1, 0f)]
    [InlineData(13, 0f)]
    [InlineData(1003, 0f)]
    [InlineData(1003, 0.5f)]
    [InlineData(600_001, 0.25f)] // over CpuParallel.MinParallelElements: split across threads, a scalar tail
    public void AdamIsBitIdenticalToKernel(int count, float clipValue)
    {
        var device = fixture.Device;
        Assert.True(count < 2000 || count > CpuParallel.MinParallelElements, "the large case must take the threaded path");
        var param = CpuPointwiseCheck.Pair(device, TestData.Uniform(1, count), "param");                    // [count]
        var grad = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(2, count, 2f), "grad");    // [count]
        var m = CpuPointwiseCheck.Pair(device, TestData.Uniform(3, count, 0.1f), "m");                      // [count]
        var v = CpuPointwiseCheck.Pair(device, TestData.Uniform(4, count, 0.1f).Select(MathF.Abs).ToArray(), "v"); // [count]
        var scale = CpuPointwiseCheck.Pair(device, [0.7f], "grad_scale");                                   // [1]
        try
        {
            const float alpha = 3e-3f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-7f;
            int threads = device.Threads(count);
            device.Kernels.Adam(threads, threads, count, alpha, beta1, beta2, epsilon, clipValue,
                param.Kernel.View, grad.Kernel.View, m.Kernel.View, v.Kernel.View, scale.Kernel.View);
            device.Accelerator.Synchronize();
            CpuAdam.Update(count, alpha, beta1, beta2, epsilon, clipValue, param.Cpu.View, grad.Cpu.View, m.Cpu.View, v.Cpu.View, scale.Cpu.View);
            CpuPointwiseCheck.Exact($"adam {count} clip {clipValue}: param", param.Kernel, param.Cpu);
            CpuPointwiseCheck.Exact($"adam {count} clip {clipValue}: m", m.Kernel, m.Cpu);
            CpuPointwiseCheck.Exact($"adam {count} clip {clipValue}: v", v.Kernel, v.Cpu);
            CpuPointwiseCheck.Exact($"adam {count} clip {clipValue}: grad untouched", grad.Kernel, grad.Cpu);
        }
        finally
        {
            foreach (var (k, c) in new[] { param, grad, m, v, scale }) { k.Dispose(); c.Dispose(); }
        }
    }

    [SkippableTheory]
    [InlineData(3, 5, 7)]
    [InlineData(1, 4, 1)]
    [InlineData(4, 1, 13)]
    [InlineData(6, 3, 16)]
    [InlineData(64, 90, 100)] // over CpuParallel.MinParallelElements: split across threads
    [InlineData(30, 33, 1)]    // a 2-D transpose: 32 x 32 tiles with ragged edges
    [InlineData(20, 16, 3)]    // short rows, tiled
    [InlineData(600, 1000, 1)] // tiled and split across threads
    public void SwapLeadingAxesIsBitIdenticalToKernel(int dim0, int dim1, int inner)
    {
        var device = fixture.Device;
        int n = dim0 * dim1 * inner;
        Assert.True(n < 1000 || n > CpuParallel.MinParallelElements, "the large case must take the threaded path");
        foreach (int reverseAxis in new[] { -1, 0, 1 })
            foreach (float beta in new[] { 0f, 0.5f })
            {
                var src = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(5, n, 1f), "src"); // [dim0, dim1, inner]
                var dst = CpuPointwiseCheck.Pair(device, TestData.Uniform(6, n), "dst");                  // [dim1, dim0, inner]
                try
                {
                    int threads = device.Threads(n);
                    device.Kernels.SwapLeadingAxes(threads, threads, dim0, dim1, inner, reverseAxis, beta, src.Kernel.View, dst.Kernel.View);
                    device.Accelerator.Synchronize();
                    CpuSwapAxes.SwapLeadingAxes(dim0, dim1, inner, reverseAxis, beta, src.Cpu.View, dst.Cpu.View);
                    CpuPointwiseCheck.Exact($"swap [{dim0}, {dim1}, {inner}] reverse {reverseAxis} beta {beta}", dst.Kernel, dst.Cpu);
                }
                finally
                {
                    foreach (var (k, c) in new[] { src, dst }) { k.Dispose(); c.Dispose(); }
                }
            }
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(1003)]
    [InlineData(600_001)] // over CpuParallel.MinParallelElements: split across threads, a scalar tail
    public void FillAndAxpbyAreBitIdenticalToKernels(int count)
    {
        var device = fixture.Device;
        Assert.True(count < 2000 || count > CpuParallel.MinParallelElements, "the large case must take the threaded path");
        int threads = device.Threads(count);
        foreach (float value in new[] { 0f, -0f, 1.5f, float.NaN })
        {
            var x = CpuPointwiseCheck.Pair(device, TestData.Uniform(7, count), "x"); // [count]
            try
            {
                device.Kernels.Fill(threads, threads, count, value, x.Kernel.View);
                device.Accelerator.Synchronize();
                CpuElementwise.Fill(count, value, x.Cpu.View);
                CpuPointwiseCheck.Exact($"fill {count} with {value}", x.Kernel, x.Cpu);
            }
            finally
            {
                x.Kernel.Dispose();
                x.Cpu.Dispose();
            }
        }
        foreach (var (alpha, beta, aliased) in new[] { (1f, 0f, false), (0.3f, 0f, false), (0.5f, 1f, false), (0.3f, -0.7f, false), (0f, 0.99f, true), (0.1f, 0.99f, true) })
        {
            var x = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(8, count, 3f), "x"); // [count]
            var y = CpuPointwiseCheck.Pair(device, CpuPointwiseCheck.WithSpecials(9, count, 3f), "y"); // [count]
            try
            {
                // aliased: y = alpha * y + beta * y, as AdamW's weight decay launches it
                device.Kernels.Axpby(threads, threads, count, alpha, beta, (aliased ? y : x).Kernel.View, y.Kernel.View);
                device.Accelerator.Synchronize();
                CpuElementwise.Axpby(count, alpha, beta, (aliased ? y : x).Cpu.View, y.Cpu.View);
                CpuPointwiseCheck.Exact($"axpby {count} alpha {alpha} beta {beta} aliased {aliased}", y.Kernel, y.Cpu);
            }
            finally
            {
                foreach (var (k, c) in new[] { x, y }) { k.Dispose(); c.Dispose(); }
            }
        }
    }
}
