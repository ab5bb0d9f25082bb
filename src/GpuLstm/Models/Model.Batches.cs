namespace GpuLstm.Models;

/// <summary>Keras train_on_batch / test_on_batch / predict_on_batch: one batch, no callbacks, no history.</summary>
public partial class Model
{
    /// <summary>
    /// One optimisation step on the whole of x, y; returns the batch's loss and metrics. A non-finite
    /// loss is returned without applying the step (the weights stay as they were). sampleWeight and
    /// classWeight as in Fit.
    /// </summary>
    public Dictionary<string, double> TrainOnBatch(HostArray x, HostArray y, HostArray? sampleWeight = null,
        IReadOnlyDictionary<int, float>? classWeight = null) =>
        TrainOnBatch([x], [y], sampleWeight is null ? null : [sampleWeight], classWeight);

    /// <summary>TrainOnBatch for several inputs and/or outputs.</summary>
    public Dictionary<string, double> TrainOnBatch(HostArray[] x, HostArray[] y, HostArray[]? sampleWeight = null,
        IReadOnlyDictionary<int, float>? classWeight = null)
    {
        using var _ = EnterBusy("TrainOnBatch");
        RequireCompiled("TrainOnBatch");
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length == 0 || x[0].Count == 0)
            throw new ArgumentException("TrainOnBatch: no samples.");
        CheckInputs(x, "TrainOnBatch");
        CheckInputData(x, "TrainOnBatch x", "trained on");
        Build(SampleShapes(x));
        y = CheckTargets(y, "TrainOnBatch y", "trained on");
        var weights = SampleWeights.Resolve("TrainOnBatch", sampleWeight, classWeight, y, Losses, OutputNames, CheckData);
        using var data = new DeviceDataset(Device, x, y, "TrainOnBatch", weights);
        using var stats = NewStats();
        var logs = TrainStep(data, stats, 0, x[0].Count);
        Tape.Reset();
        return logs;
    }

    /// <summary>Loss and metrics on one batch, no update (Keras test_on_batch); sampleWeight as in Evaluate.</summary>
    public Dictionary<string, double> TestOnBatch(HostArray x, HostArray y, HostArray? sampleWeight = null) =>
        TestOnBatch([x], [y], sampleWeight is null ? null : [sampleWeight]);

    /// <summary>TestOnBatch for several inputs and/or outputs.</summary>
    public Dictionary<string, double> TestOnBatch(HostArray[] x, HostArray[] y, HostArray[]? sampleWeight = null) =>
        Evaluate(x, y, Math.Max(1, x is { Length: > 0 } ? x[0].Count : 1), sampleWeight, "TestOnBatch");

    /// <summary>Model outputs for one batch (Keras predict_on_batch).</summary>
    public HostArray PredictOnBatch(HostArray x)
    {
        using var _ = EnterBusy("PredictOnBatch");
        return Predict(x, batchSize: Math.Max(1, x.Count));
    }

    /// <summary>PredictOnBatch for several inputs: one array per output.</summary>
    public HostArray[] PredictOnBatch(HostArray[] x)
    {
        using var _ = EnterBusy("PredictOnBatch");
        return Predict(x, batchSize: Math.Max(1, x.Length > 0 ? x[0].Count : 1));
    }
}
