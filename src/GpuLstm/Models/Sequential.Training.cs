using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Memory;
using GpuLstm.Models.Callbacks;
using GpuLstm.Optimizers;

namespace GpuLstm.Models;

/// <summary>Compile, Fit, Evaluate and Predict, with Keras's semantics and defaults.</summary>
public sealed partial class Sequential
{
    /// <summary>Keras compile with names: optimizer adam|sgd|rmsprop, a loss name, metrics accuracy|mae.</summary>
    public void Compile(string optimizer = "rmsprop", string loss = "mean_squared_error", IEnumerable<string>? metrics = null) =>
        Compile(OptimizerFactory.FromName(optimizer), LossFunction.FromName(loss), metrics);

    /// <summary>Keras compile with objects, e.g. <c>new Adam(1e-3) { GlobalClipNorm = 1 }</c>, <c>LossFunction.BinaryCrossentropy(fromLogits: true)</c>.</summary>
    public void Compile(Optimizer optimizer, LossFunction loss, IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (Optimizer is not null && !ReferenceEquals(Optimizer, optimizer))
            Optimizer.Dispose();
        Optimizer = optimizer;
        Loss = loss;
        Metrics = (metrics ?? []).Select(m => Metric.FromName(m, loss)).ToList();
    }

    public void Compile(Optimizer optimizer, string loss, IEnumerable<string>? metrics = null) =>
        Compile(optimizer, LossFunction.FromName(loss), metrics);

    /// <summary>
    /// Trains on x [N, ...] and y [N, ...]. validationSplit holds out the last fraction of the data
    /// (before shuffling, as Keras does); validationData gives a separate set. verbose: 0 silent,
    /// 1 progress bar (plain lines when output is redirected), 2 one line per epoch: a
    /// <see cref="ProgbarLogger"/> on <paramref name="output"/> is added unless the callbacks hold one.
    /// </summary>
    public History Fit(HostArray x, HostArray y, int batchSize = 32, int epochs = 1, int verbose = 1,
        float validationSplit = 0f, (HostArray X, HostArray Y)? validationData = null, bool shuffle = true,
        IEnumerable<Callback>? callbacks = null, TextWriter? output = null)
    {
        RequireCompiled("Fit");
        if (verbose is < 0 or > 2)
            throw new ArgumentException($"Fit: verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch), got {verbose}.");
        if (batchSize <= 0 || epochs <= 0)
            throw new ArgumentException($"Fit: batchSize and epochs must be positive, got {batchSize} and {epochs}.");
        if (!(validationSplit >= 0f && validationSplit < 1f))
            throw new ArgumentException($"Fit: validationSplit must be in [0, 1), got {validationSplit}.");
        CheckInput(x, "Fit");
        if (validationSplit > 0f && validationData is null)
        {
            int validationCount = (int)(x.Count * validationSplit);
            if (validationCount == 0 || validationCount == x.Count)
                throw new ArgumentException($"Fit: validationSplit {validationSplit} of {x.Count} samples leaves an empty set.");
            int trainCount = x.Count - validationCount;
            validationData = (x.Rows(trainCount, validationCount), y.Rows(trainCount, validationCount));
            (x, y) = (x.Rows(0, trainCount), y.Rows(0, trainCount));
        }
        Build(x.Shape[1..]);
        y = CheckTargets(y, "Fit y");
        if (validationData is { } given)
        {
            CheckInput(given.X, "Fit validation x");
            validationData = (given.X, CheckTargets(given.Y, "Fit validation y"));
        }

        var history = History = new History();
        var callbackList = (callbacks ?? []).ToList();
        int steps = (x.Count + batchSize - 1) / batchSize;
        if (verbose != 0 && !callbackList.OfType<ProgbarLogger>().Any())
            callbackList.Insert(0, new ProgbarLogger(output));
        callbackList.ForEach(c => c.SetParams(new FitParams(epochs, steps, verbose)));
        using var train = new DeviceDataset(Device, x, y, "Fit");
        using var validation = validationData is { } v ? new DeviceDataset(Device, v.X, v.Y, "Fit validation data") : null;
        using var stats = new EpochStats(Device, Metrics);
        var order = Enumerable.Range(0, x.Count).ToArray();
        StopTraining = false;
        callbackList.ForEach(c => c.OnTrainBegin(this));
        for (int epoch = 0; epoch < epochs && !StopTraining; epoch++)
        {
            callbackList.ForEach(c => c.OnEpochBegin(this, epoch));
            if (shuffle)
            {
                // From the identity every epoch, so the order depends only on the random state (which
                // Save keeps): a loaded model continues exactly as an uninterrupted run would.
                for (int i = 0; i < order.Length; i++)
                    order[i] = i;
                Random.Shuffle(order);
                train.SetOrder(order);
            }
            stats.Reset();
            Dictionary<string, double> logs = new();
            for (int step = 0; step < steps; step++)
            {
                int start = step * batchSize, count = Math.Min(batchSize, x.Count - start);
                callbackList.ForEach(c => c.OnBatchBegin(this, step));
                logs = TrainStep(train, stats, start, count);
                if (!double.IsFinite(logs["loss"]))
                {
                    history.StopReason = $"loss became {logs["loss"]} at epoch {epoch + 1}, step {step + 1}; " +
                        "training stopped before applying that step's update (weights are those of the previous step)";
                    Tape.Reset();
                    callbackList.ForEach(c => c.OnTrainEnd(this));
                    return history;
                }
                foreach (var callback in callbackList)
                    callback.OnBatchEnd(this, step, logs);
            }
            if (validation is not null)
            {
                foreach (var (key, value) in EvaluateDataset(validation, batchSize, stats, "val_"))
                    logs[key] = value;
            }
            logs["learning_rate"] = Optimizer!.LearningRate;
            history.Add(logs);
            foreach (var callback in callbackList)
                callback.OnEpochEnd(this, epoch, logs);
        }
        callbackList.ForEach(c => c.OnTrainEnd(this));
        return history;
    }

    /// <summary>One optimisation step; the stats read back is the step's single device-to-host copy.</summary>
    private Dictionary<string, double> TrainStep(DeviceDataset data, EpochStats stats, int start, int count)
    {
        Tape.Reset();
        var (xb, yb) = data.Batch(Tape, start, count);
        var pred = Forward(xb, training: true);
        var loss = Loss!.Compute(Tape, pred, yb);
        stats.Add(loss, pred, yb, null, count);
        var logs = stats.Read();
        if (!double.IsFinite(logs["loss"]))
            return logs; // the caller stops before this step's update touches the weights
        Tape.Backward(loss);
        Optimizer!.Step(Parameters!);
        Parameters!.ZeroGrad();
        return logs;
    }

    /// <summary>Loss and metrics on x, y (Keras evaluate), without recording a tape or updating weights.</summary>
    public Dictionary<string, double> Evaluate(HostArray x, HostArray y, int batchSize = 32)
    {
        RequireCompiled("Evaluate");
        CheckInput(x, "Evaluate");
        Build(x.Shape[1..]);
        y = CheckTargets(y, "Evaluate y");
        using var data = new DeviceDataset(Device, x, y, "Evaluate");
        using var stats = new EpochStats(Device, Metrics);
        return EvaluateDataset(data, batchSize, stats, "");
    }

    private Dictionary<string, double> EvaluateDataset(DeviceDataset data, int batchSize, EpochStats stats, string prefix)
    {
        stats.Reset();
        using (Tape.NoGrad())
        {
            for (int start = 0; start < data.Count; start += batchSize)
            {
                Tape.Reset();
                int count = Math.Min(batchSize, data.Count - start);
                var (xb, yb) = data.Slice(Tape, start, count);
                var pred = Forward(xb, training: false);
                stats.Add(Loss!.Compute(Tape, pred, yb), pred, yb, null, count);
            }
            var logs = stats.Read(prefix);
            Tape.Reset();
            return logs;
        }
    }

    /// <summary>
    /// Model outputs for x [N, ...] as [N, ...output] (Keras predict). Recurrent models accept any
    /// number of time steps here (the output follows), e.g. one step at a time for generation.
    /// </summary>
    public HostArray Predict(HostArray x, int batchSize = 32)
    {
        if (x.Count == 0)
            throw new ArgumentException("Predict: no samples.");
        CheckInput(x, "Predict", anyTimeSteps: true);
        Build(InputShape is null ? x.Shape[1..] : null);
        float[]? result = null;
        int[] sampleShape = [];
        using (Tape.NoGrad())
        {
            for (int start = 0; start < x.Count; start += batchSize)
            {
                Tape.Reset();
                int count = Math.Min(batchSize, x.Count - start);
                var xb = Tape.Own(Tensor.FromArray(Device, x.Data.AsSpan(start * x.SampleLength, count * x.SampleLength),
                    [count, .. x.Shape[1..]], "predict_x"));
                var y = Forward(xb, training: false);
                sampleShape = y.Shape.Skip(1).ToArray();
                result ??= new float[x.Count * ShapeUtil.Elements(sampleShape)];
                y.ToArray().CopyTo(result, start * ShapeUtil.Elements(sampleShape));
            }
            Tape.Reset();
        }
        return new HostArray(result!, [x.Count, .. sampleShape]);
    }

    private void RequireCompiled(string what)
    {
        if (Optimizer is null || Loss is null)
            throw new InvalidOperationException($"{what}: call Compile(optimizer, loss) first.");
    }

    /// <summary>
    /// Targets must fit the output before anything is uploaded: [N, ...output] (sparse losses: the
    /// output without its class axis, or with a trailing 1). y of shape [N] for a one-unit output is
    /// taken as [N, 1], as Keras does.
    /// </summary>
    private HostArray CheckTargets(HostArray y, string what)
    {
        var output = OutputShape!;
        int[] expected = Loss!.IsSparse ? [.. output.Take(output.Count - 1)] : [.. output];
        var perSample = y.Shape[1..];
        if (perSample.SequenceEqual(expected))
            return y;
        if (!Loss.IsSparse && expected is [1] && perSample.Length == 0)
            return new HostArray(y.Data, y.Count, 1);
        if (Loss.IsSparse && perSample.SequenceEqual(expected.Append(1)))
            return new HostArray(y.Data, [y.Count, .. expected]);
        throw new ArgumentException(
            $"{what}: {Name} with loss {Loss.Name} expects targets of shape {ModelSummary.FormatShape(expected)}, got {ShapeUtil.Format(y.Shape)}.");
    }

    private void CheckInput(HostArray x, string what, bool anyTimeSteps = false)
    {
        if (_layers.Count > 0 && _layers[0] is Embedding embedding)
            embedding.CheckTokens(x.Data, what);
        // Sequence layers' weights do not depend on the number of steps, so Predict may use another.
        bool timeFree = anyTimeSteps && _layers.Count > 0 && _layers[0] is RecurrentLayer or Embedding or Bidirectional;
        if (InputShape is { } expected && !(timeFree && x.Shape.Length == expected.Count + 1 && x.Shape[2..].SequenceEqual(expected.Skip(1)))
            && !x.Shape[1..].SequenceEqual(expected))
            throw new ArgumentException(
                $"{what}: {Name} expects inputs of shape {ModelSummary.FormatShape(expected)}, got {ShapeUtil.Format(x.Shape)}.");
    }
}
