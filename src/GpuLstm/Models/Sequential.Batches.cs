namespace GpuLstm.Models;

/// <summary>Keras train_on_batch / test_on_batch / predict_on_batch: one batch, no callbacks, no history.</summary>
public sealed partial class Sequential
{
    /// <summary>
    /// One optimisation step on the whole of x, y; returns the batch's loss and metrics. A non-finite
    /// loss is returned without applying the step (the weights stay as they were).
    /// </summary>
    public Dictionary<string, double> TrainOnBatch(HostArray x, HostArray y)
    {
        RequireCompiled("TrainOnBatch");
        if (x.Count == 0)
            throw new ArgumentException("TrainOnBatch: no samples.");
        CheckInput(x, "TrainOnBatch");
        Build(x.Shape[1..]);
        y = CheckTargets(y, "TrainOnBatch y");
        using var data = new DeviceDataset(Device, x, y, "TrainOnBatch");
        using var stats = new EpochStats(Device, Metrics);
        var logs = TrainStep(data, stats, 0, x.Count);
        Tape.Reset();
        return logs;
    }

    /// <summary>Loss and metrics on one batch, no update (Keras test_on_batch).</summary>
    public Dictionary<string, double> TestOnBatch(HostArray x, HostArray y) => Evaluate(x, y, batchSize: Math.Max(1, x.Count));

    /// <summary>Model outputs for one batch (Keras predict_on_batch).</summary>
    public HostArray PredictOnBatch(HostArray x) => Predict(x, batchSize: Math.Max(1, x.Count));
}
