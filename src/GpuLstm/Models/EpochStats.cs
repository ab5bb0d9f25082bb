using GpuLstm.Device;
using GpuLstm.Distributed;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// Running sums of the loss and metrics over an epoch, kept on the device: slot 0 is the
/// batch-size-weighted loss sum (Keras's loss tracker), then each metric's <see cref="Metric.Slots"/>
/// totals (weighted sum and weight, or confusion counts). Reading all of them is one transfer.
/// </summary>
internal sealed class EpochStats : IDisposable
{
    private readonly ComputeDevice _device;
    private readonly IReadOnlyList<Metric> _metrics;
    private readonly int[] _offsets;     // first slot of each metric
    private readonly Tensor _sums;       // [1 + sum of metric slots]
    private long _samples;               // host: samples the loss sum covers
    private Tensor? _partials;

    public EpochStats(ComputeDevice device, IReadOnlyList<Metric> metrics)
    {
        _device = device;
        _metrics = metrics;
        _offsets = new int[metrics.Count];
        int slots = 1;
        for (int m = 0; m < metrics.Count; m++)
        {
            _offsets[m] = slots;
            slots += metrics[m].Slots;
        }
        _sums = Tensor.Zeros(device, [slots], "epoch_stats");
    }

    public void Reset()
    {
        _sums.Fill(0f);
        _samples = 0;
    }

    /// <summary>
    /// Adds one batch: its mean loss (a [1] tensor) times the batch size, and each metric's totals,
    /// weighted by <paramref name="sampleWeight"/> ([B] or [B, T], or null) and the prediction's mask.
    /// </summary>
    public void Add(Tensor loss, Tensor pred, Tensor target, Tensor? sampleWeight, int batch)
    {
        Ops.Elementwise.Axpby(_device, batch, loss.View, 1f, _sums.View.SubView(0, 1));
        _samples += batch;
        for (int m = 0; m < _metrics.Count; m++)
        {
            var metric = _metrics[m];
            var slots = _sums.View.SubView(_offsets[m], metric.Slots);
            if (metric.IsConfusion)
                Ops.MetricOp.AddConfusion(_device, metric.Name, metric.Thresholds, metric.Threshold, metric.FromLogits, pred, target, sampleWeight, ref _partials, slots);
            else
                Ops.MetricOp.AddMean(_device, metric.Code, metric.Threshold, pred, target, sampleWeight, ref _partials, slots);
        }
    }

    /// <summary>
    /// Means so far, by Keras name (loss, accuracy, ...): one device-to-host copy. With comm, every rank's
    /// sums and sample counts are added first (one all-reduce), so all ranks read the same global means.
    /// </summary>
    public Dictionary<string, double> Read(string prefix = "", ICommunicator? comm = null)
    {
        var sums = _sums.ToArray();
        double samples = _samples;
        if (comm is not null)
        {
            var all = new double[sums.Length + 1]; // [slots..., samples]
            for (int i = 0; i < sums.Length; i++)
                all[i] = sums[i];
            all[^1] = samples;
            comm.AllreduceSum(all);
            for (int i = 0; i < sums.Length; i++)
                sums[i] = (float)all[i];
            samples = all[^1];
        }
        var logs = new Dictionary<string, double> { [prefix + "loss"] = sums[0] / Math.Max(1, samples) };
        for (int m = 0; m < _metrics.Count; m++)
            logs[prefix + _metrics[m].Name] = _metrics[m].Result(sums.AsSpan(_offsets[m], _metrics[m].Slots));
        return logs;
    }

    public void Dispose()
    {
        _sums.Dispose();
        _partials?.Dispose();
    }
}
