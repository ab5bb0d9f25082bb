using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Tests.Ops;

/// <summary>Top-k accuracy: the true class counts when fewer than k classes score strictly higher.</summary>
public sealed class TopKMetricTests
{
    [Theory]
    [InlineData(MetricCode.SparseTopKCategoricalAccuracy)]
    [InlineData(MetricCode.TopKCategoricalAccuracy)]
    public void CountsRowsWhoseLabelIsAmongTheTopK(int code)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        float[] pred =
        [
            0.1f, 0.5f, 0.3f, 0.1f, // label 2: second highest -> in top 2
            0.4f, 0.3f, 0.2f, 0.1f, // label 3: lowest -> out
            0.25f, 0.25f, 0.25f, 0.25f, // label 1: ties count in
        ];
        int[] labels = [2, 3, 1];
        var target = code == MetricCode.SparseTopKCategoricalAccuracy
            ? labels.Select(l => (float)l).ToArray()
            : Enumerable.Range(0, 12).Select(i => labels[i / 4] == i % 4 ? 1f : 0f).ToArray();
        using var tp = Tensor.FromArray(device, pred, [3, 4], "pred");
        using var tt = Tensor.FromArray(device, target, code == MetricCode.SparseTopKCategoricalAccuracy ? [3] : [3, 4], "target");
        using var sums = Tensor.Zeros(device, [2], "sums"); // weighted hits | weight
        Tensor? scratch = null;
        try
        {
            MetricOp.AddMean(device, code, threshold: 2f, tp, tt, sampleWeight: null, ref scratch, sums.View);
            Assert.Equal([2f, 3f], sums.ToArray());
        }
        finally
        {
            scratch?.Dispose();
        }
    }

    [Fact]
    public void KerasNamesResolveWithKFive()
    {
        var loss = GpuLstm.Losses.LossFunction.SparseCategoricalCrossentropy();
        var metric = GpuLstm.Models.Metric.FromName("sparse_top_k_categorical_accuracy", loss);
        Assert.Equal(MetricCode.SparseTopKCategoricalAccuracy, metric.Code);
        Assert.Equal(5f, metric.Threshold);
    }
}
