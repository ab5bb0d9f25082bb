using GpuLstm.Device;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// Running sums of the loss and metrics over an epoch, kept on the device: slot 0 is the
/// sample-weighted loss sum, then one slot per metric. Reading all of them is one transfer.
/// </summary>
internal sealed class EpochStats : IDisposable
{
    private readonly ComputeDevice _device;
    private readonly IReadOnlyList<Metric> _metrics;
    private readonly Tensor _sums;       // [1 + metrics]
    private readonly long[] _counts;     // host: samples (loss) and elements compared per metric
    private Tensor? _partials;

    public EpochStats(ComputeDevice device, IReadOnlyList<Metric> metrics)
    {
        _device = device;
        _metrics = metrics;
        _sums = Tensor.Zeros(device, [1 + metrics.Count], "epoch_stats");
        _counts = new long[1 + metrics.Count];
    }

    public void Reset()
    {
        _sums.Fill(0f);
        Array.Clear(_counts);
    }

    /// <summary>Adds one batch: its mean loss (a [1] tensor) times the batch size, and each metric's sum.</summary>
    public void Add(Tensor loss, Tensor pred, Tensor target, int batch)
    {
        Ops.Elementwise.Axpby(_device, batch, loss.View, 1f, _sums.View.SubView(0, 1));
        _counts[0] += batch;
        for (int m = 0; m < _metrics.Count; m++)
            _counts[1 + m] += Ops.MetricOp.AddSum(_device, _metrics[m].Code, _metrics[m].Threshold, pred, target, ref _partials, _sums.View.SubView(1 + m, 1));
    }

    /// <summary>Means so far, by Keras name (loss, accuracy, ...): one device-to-host copy.</summary>
    public Dictionary<string, double> Read(string prefix = "")
    {
        var sums = _sums.ToArray();
        var logs = new Dictionary<string, double> { [prefix + "loss"] = sums[0] / Math.Max(1, _counts[0]) };
        for (int m = 0; m < _metrics.Count; m++)
            logs[prefix + _metrics[m].Name] = sums[1 + m] / Math.Max(1, _counts[1 + m]);
        return logs;
    }

    public void Dispose()
    {
        _sums.Dispose();
        _partials?.Dispose();
    }
}
