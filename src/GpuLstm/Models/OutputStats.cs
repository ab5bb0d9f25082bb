using GpuLstm.Device;
using GpuLstm.Distributed;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// Epoch statistics for every output of a model. One output logs as Keras does for one (loss,
/// accuracy, ...) with one transfer per read; several log the summed "loss" plus "{output}_loss" and
/// "{output}_{metric}" per output (Keras 3's names), one transfer per output.
/// </summary>
internal sealed class OutputStats : IDisposable
{
    private readonly EpochStats[] _outputs;
    private readonly IReadOnlyList<string> _names;

    public OutputStats(ComputeDevice device, IReadOnlyList<Metric>[] metrics, IReadOnlyList<string> outputNames)
    {
        _outputs = metrics.Select(m => new EpochStats(device, m)).ToArray();
        _names = outputNames;
    }

    public void Reset()
    {
        foreach (var s in _outputs)
            s.Reset();
    }

    /// <summary>Adds one batch: each output's [1] mean loss, prediction, target and sample weights (or null).</summary>
    public void Add(Tensor[] losses, Tensor[] predictions, Tensor[] targets, Tensor?[] weights, int batch)
    {
        for (int k = 0; k < _outputs.Length; k++)
            _outputs[k].Add(losses[k], predictions[k], targets[k], weights[k], batch);
    }

    /// <param name="comm">data parallel: the sums are all-reduced first, so every rank reads the global means</param>
    public Dictionary<string, double> Read(string prefix = "", ICommunicator? comm = null)
    {
        if (_outputs.Length == 1)
            return _outputs[0].Read(prefix, comm);
        var logs = new Dictionary<string, double> { [prefix + "loss"] = 0 };
        for (int k = 0; k < _outputs.Length; k++)
        {
            foreach (var (key, value) in _outputs[k].Read($"{prefix}{_names[k]}_", comm))
                logs[key] = value;
            logs[prefix + "loss"] += logs[$"{prefix}{_names[k]}_loss"];
        }
        return logs;
    }

    public void Dispose()
    {
        foreach (var s in _outputs)
            s.Dispose();
    }
}
