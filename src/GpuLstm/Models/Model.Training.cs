using GpuLstm.Distributed;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Memory;
using GpuLstm.Models.Callbacks;
using GpuLstm.Optimizers;

namespace GpuLstm.Models;

/// <summary>Compile, Fit, Evaluate and Predict, with Keras's semantics and defaults.</summary>
public partial class Model
{
    private IReadOnlyList<Metric>[] _outputMetrics = [];

    /// <summary>Keras compile with names: optimizer adam|sgd|rmsprop, a loss name (for every output), metrics accuracy|mae|....</summary>
    public void Compile(string optimizer = "rmsprop", string loss = "mean_squared_error", IEnumerable<string>? metrics = null) =>
        Compile(OptimizerFactory.FromName(optimizer), LossFunction.FromName(loss), metrics);

    /// <summary>Keras compile with objects, e.g. <c>new Adam(1e-3) { GlobalClipNorm = 1 }</c>, <c>LossFunction.BinaryCrossentropy(fromLogits: true)</c>.</summary>
    public void Compile(Optimizer optimizer, LossFunction loss, IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Compile(optimizer, Enumerable.Repeat(loss, OutputNames.Count).ToList(), metrics);
    }

    /// <summary>Keras compile with one loss name per output, e.g. <c>Compile("adam", ["mse", "sparse_categorical_crossentropy"])</c>.</summary>
    public void Compile(string optimizer, IReadOnlyList<string> losses, IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(losses);
        Compile(OptimizerFactory.FromName(optimizer), losses.Select(LossFunction.FromName).ToList(), metrics);
    }

    public void Compile(Optimizer optimizer, string loss, IEnumerable<string>? metrics = null) =>
        Compile(optimizer, LossFunction.FromName(loss), metrics);

    /// <summary>
    /// One loss per output, in output order (Keras: a list of losses); the training loss is their sum.
    /// The metrics are computed for every output (logged as {output}_{metric} when there are several).
    /// </summary>
    public void Compile(Optimizer optimizer, IReadOnlyList<LossFunction> losses, IEnumerable<string>? metrics = null)
    {
        using var _ = EnterBusy("Compile");
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(losses);
        if (losses.Count != OutputNames.Count || losses.Any(l => l is null))
            throw new ArgumentException($"Compile: {Name} has {OutputNames.Count} output(s) ({string.Join(", ", OutputNames)}), got {losses.Count} loss(es).");
        var names = (metrics ?? []).ToList();
        var perOutput = losses.Select(l => (IReadOnlyList<Metric>)names.Select(m => Metric.FromName(m, l)).ToList()).ToArray();
        if (Optimizer is not null && !ReferenceEquals(Optimizer, optimizer))
            Optimizer.Dispose();
        Optimizer = optimizer;
        Losses = [.. losses];
        _outputMetrics = perOutput;
        Metrics = perOutput[0];
    }

    /// <summary>
    /// Trains on x [N, ...] and y [N, ...]. validationSplit holds out the last fraction of the data
    /// (before shuffling, as Keras does); validationData gives a separate set, (x, y) or (x, y,
    /// sampleWeight). verbose: 0 silent, 1 progress bar (plain lines when output is redirected), 2 one
    /// line per epoch: a <see cref="ProgbarLogger"/> on <paramref name="output"/> is added unless the
    /// callbacks hold one. sampleWeight ([N], or [N, T] for a sequence output) weighs each sample's
    /// (or step's) loss and metrics; classWeight (class id to weight, single output, targets with one
    /// class per sample) weighs the training loss by each sample's class; classes it lacks weigh 1.
    /// Every array is checked first (NaN, infinities, labels the loss cannot read): see <see cref="CheckData"/>.
    /// </summary>
    public History Fit(HostArray x, HostArray y, int batchSize = 32, int epochs = 1, int verbose = 1,
        float validationSplit = 0f, ValidationData? validationData = null, bool shuffle = true,
        IEnumerable<Callback>? callbacks = null, TextWriter? output = null,
        HostArray? sampleWeight = null, IReadOnlyDictionary<int, float>? classWeight = null) =>
        Fit([x], [y], batchSize, epochs, verbose, validationSplit, validationData, shuffle, callbacks, output,
            sampleWeight is null ? null : [sampleWeight], classWeight);

    /// <summary>
    /// Fit for several inputs and/or outputs: one array per model input and per output, in the model's
    /// order; sampleWeight: one array per output, or one for all of them.
    /// </summary>
    public History Fit(HostArray[] x, HostArray[] y, int batchSize = 32, int epochs = 1, int verbose = 1,
        float validationSplit = 0f, ValidationData? validationData = null, bool shuffle = true,
        IEnumerable<Callback>? callbacks = null, TextWriter? output = null,
        HostArray[]? sampleWeight = null, IReadOnlyDictionary<int, float>? classWeight = null)
    {
        using var _ = EnterBusy("Fit");
        RequireCompiled("Fit");
        if (verbose is < 0 or > 2)
            throw new ArgumentException($"Fit: verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch), got {verbose}.");
        if (batchSize <= 0 || epochs <= 0)
            throw new ArgumentException($"Fit: batchSize and epochs must be positive, got {batchSize} and {epochs}.");
        if (!(validationSplit >= 0f && validationSplit < 1f))
            throw new ArgumentException($"Fit: validationSplit must be in [0, 1), got {validationSplit}.");
        CheckInputs(x, "Fit");
        CheckInputData(x, "Fit x", "trained on");
        int count = x[0].Count;
        Build(SampleShapes(x));
        y = CheckTargets(y, "Fit y", "trained on");
        var weights = SampleWeights.Resolve("Fit", sampleWeight, classWeight, y, Losses, OutputNames, CheckData);
        if (validationSplit > 0f && validationData is null)
        {
            int validationCount = (int)(count * validationSplit);
            if (validationCount == 0 || validationCount == count)
                throw new ArgumentException($"Fit: validationSplit {validationSplit} of {count} samples leaves an empty set.");
            int trainCount = count - validationCount;
            // Keras splits the sample weights with the data; class weights are for training only.
            validationData = new ValidationData(Rows(x, trainCount, validationCount), Rows(y, trainCount, validationCount),
                sampleWeight is null ? null : weights.Select(w => w?.Rows(trainCount, validationCount)!).ToArray());
            (x, y) = (Rows(x, 0, trainCount), Rows(y, 0, trainCount));
            weights = weights.Select(w => w?.Rows(0, trainCount)).ToArray();
            count = trainCount;
        }
        HostArray[]? validationY = null;
        HostArray?[]? validationWeights = null;
        if (validationData is { } given)
        {
            CheckInputs(given.X, "Fit validation x");
            CheckInputData(given.X, "Fit validation x", "evaluated on");
            validationY = CheckTargets(given.Y, "Fit validation y", "evaluated on");
            validationWeights = SampleWeights.Resolve("Fit validation data", given.SampleWeight, null, validationY, Losses, OutputNames, CheckData);
        }

        var history = History = new History();
        var callbackList = (callbacks ?? []).ToList();
        var comm = Communicator;
        if (comm is not null && comm.Rank != 0)
        {
            // Only rank 0 prints and writes; every rank still runs the callbacks that decide (EarlyStopping, ...).
            verbose = 0;
            callbackList.RemoveAll(c => !c.RunsOnEveryRank);
        }
        int steps = (int)(((long)count + batchSize - 1) / batchSize); // 64-bit: batchSize may be int.MaxValue
        if (verbose != 0 && !callbackList.OfType<ProgbarLogger>().Any())
            callbackList.Insert(0, new ProgbarLogger(output));
        callbackList.ForEach(c => c.SetParams(new FitParams(epochs, steps, verbose)));
        using var train = new DeviceDataset(Device, x, y, "Fit", weights);
        using var validation = validationData is { } v ? new DeviceDataset(Device, v.X, validationY!, "Fit validation data", validationWeights) : null;
        using var stats = NewStats();
        var order = Enumerable.Range(0, count).ToArray();
        if (comm is not null)
        {
            CheckSameFitOnEveryRank(comm, count, batchSize, epochs, shuffle, validation?.Count ?? 0);
            BroadcastWeights(comm);
        }
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
                if (comm is null)
                    Random.Shuffle(order);
                else
                    ShuffleLikeRankZero(comm, order);
                train.SetOrder(order);
            }
            stats.Reset();
            Dictionary<string, double> logs = new();
            for (int step = 0; step < steps; step++)
            {
                int start = step * batchSize, size = Math.Min(batchSize, count - start);
                callbackList.ForEach(c => c.OnBatchBegin(this, step));
                logs = TrainStep(train, stats, start, size, comm);
                if (!double.IsFinite(logs["loss"]))
                {
                    history.StopReason = $"loss became {logs["loss"]} at epoch {epoch + 1}, step {step + 1}; " +
                        $"training stopped before applying that step's update{DescribeWeightsAfterStop()}";
                    Tape.Reset();
                    callbackList.ForEach(c => c.OnTrainEnd(this));
                    return history;
                }
                foreach (var callback in callbackList)
                    callback.OnBatchEnd(this, step, logs);
            }
            if (validation is not null)
            {
                foreach (var (key, value) in EvaluateDataset(validation, batchSize, stats, "val_", comm))
                    logs[key] = value;
            }
            logs["learning_rate"] = Optimizer!.LearningRate;
            history.Add(logs);
            foreach (var callback in callbackList)
                callback.OnEpochEnd(this, epoch, logs);
            if (comm is not null)
                StopTraining = AnyRankStops(comm); // a callback deciding on what only its rank knows must not leave the others waiting
        }
        callbackList.ForEach(c => c.OnTrainEnd(this));
        return history;
    }

    private OutputStats NewStats() => new(Device, _outputMetrics, OutputNames);

    /// <summary>
    /// Loss and metrics on x, y (Keras evaluate), without recording a tape or updating weights;
    /// sampleWeight ([N] or [N, T]) weighs them as in Fit.
    /// </summary>
    public Dictionary<string, double> Evaluate(HostArray x, HostArray y, int batchSize = 32, HostArray? sampleWeight = null) =>
        Evaluate([x], [y], batchSize, sampleWeight is null ? null : [sampleWeight]);

    /// <summary>Evaluate for several inputs and/or outputs (one array each, in the model's order).</summary>
    public Dictionary<string, double> Evaluate(HostArray[] x, HostArray[] y, int batchSize = 32, HostArray[]? sampleWeight = null) =>
        Evaluate(x, y, batchSize, sampleWeight, "Evaluate");

    /// <param name="what">the public call, for errors: Evaluate or TestOnBatch</param>
    private Dictionary<string, double> Evaluate(HostArray[] x, HostArray[] y, int batchSize, HostArray[]? sampleWeight, string what)
    {
        using var _ = EnterBusy(what);
        RequireCompiled(what);
        if (batchSize <= 0)
            throw new ArgumentException($"{what}: batchSize must be positive, got {batchSize}.");
        CheckInputs(x, what);
        CheckInputData(x, $"{what} x", "evaluated on");
        Build(SampleShapes(x));
        y = CheckTargets(y, $"{what} y", "evaluated on");
        var weights = SampleWeights.Resolve(what, sampleWeight, null, y, Losses, OutputNames, CheckData);
        using var data = new DeviceDataset(Device, x, y, what, weights);
        using var stats = NewStats();
        return EvaluateDataset(data, batchSize, stats, "");
    }

    /// <param name="comm">data parallel: this rank evaluates its contiguous share of the rows, the sums are all-reduced</param>
    private Dictionary<string, double> EvaluateDataset(DeviceDataset data, int batchSize, OutputStats stats, string prefix,
        ICommunicator? comm = null)
    {
        stats.Reset();
        var share = comm is null ? new BatchShare(0, data.Count) : BatchShare.Of(0, data.Count, comm.Rank, comm.Size);
        int end = share.Start + share.Count;
        using (Tape.NoGrad())
        {
            for (int start = share.Start; start < end; start += batchSize)
            {
                Tape.Reset();
                int count = Math.Min(batchSize, end - start);
                var (xb, yb, wb) = data.Slice(Tape, start, count);
                var pred = Forward(xb, training: false);
                stats.Add(ComputeLosses(pred, yb, wb), pred, yb, wb, count);
            }
            var logs = stats.Read(prefix, comm);
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
        var outputs = Predict([x], batchSize);
        if (outputs.Length != 1)
            throw new InvalidOperationException($"Predict: {Name} has {outputs.Length} outputs; call Predict(HostArray[]) to get them all.");
        return outputs[0];
    }

    /// <summary>Predict for several inputs: one array per input in; one array per output out.</summary>
    public HostArray[] Predict(HostArray[] x, int batchSize = 32)
    {
        using var _ = EnterBusy("Predict");
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length == 0 || x[0].Count == 0)
            throw new ArgumentException("Predict: no samples.");
        if (batchSize <= 0)
            throw new ArgumentException($"Predict: batchSize must be positive, got {batchSize}.");
        CheckInputs(x, "Predict", anyTimeSteps: true);
        CheckInputData(x, "Predict x", "predicted from");
        Build(InputShapes is null ? SampleShapes(x) : null);
        int n = x[0].Count;
        float[][]? result = null;
        int[][] sampleShapes = [];
        using (Tape.NoGrad())
        {
            for (int start = 0; start < n; start += batchSize)
            {
                Tape.Reset();
                int count = Math.Min(batchSize, n - start);
                var xb = x.Select(a => Tape.Own(Tensor.FromArray(Device, a.Data.AsSpan(start * a.SampleLength, count * a.SampleLength),
                    [count, .. a.Shape[1..]], "predict_x"))).ToArray();
                var y = Forward(xb, training: false);
                sampleShapes = y.Select(t => t.Shape.Skip(1).ToArray()).ToArray();
                result ??= sampleShapes.Select(s => new float[n * ShapeUtil.Elements(s)]).ToArray();
                for (int k = 0; k < y.Length; k++)
                    y[k].ToArray().CopyTo(result[k], start * ShapeUtil.Elements(sampleShapes[k]));
            }
            Tape.Reset();
        }
        return result!.Select((r, k) => new HostArray(r, [n, .. sampleShapes[k]])).ToArray();
    }

    private protected void RequireCompiled(string what)
    {
        if (Optimizer is null || Losses.Count == 0)
            throw new InvalidOperationException($"{what}: call Compile(optimizer, loss) first.");
    }

    /// <summary>Each array's per-sample shape (its shape without the sample axis): what Build needs.</summary>
    private static IReadOnlyList<IReadOnlyList<int>> SampleShapes(HostArray[] arrays) => arrays.Select(a => (IReadOnlyList<int>)a.Shape[1..]).ToList();

    private static HostArray[] Rows(HostArray[] arrays, int start, int count) => arrays.Select(a => a.Rows(start, count)).ToArray();

    /// <summary>
    /// Targets must fit the outputs before anything is uploaded: [N, ...output] (sparse losses: the
    /// output without its class axis, or with a trailing 1). y of shape [N] for a one-unit output is
    /// taken as [N, 1], as Keras does.
    /// </summary>
    /// <param name="use">for the data check's message: "trained on", "evaluated on"</param>
    private protected HostArray[] CheckTargets(HostArray[] y, string what, string use)
    {
        ArgumentNullException.ThrowIfNull(y);
        var outputs = OutputShapes!;
        if (y.Length != outputs.Count)
            throw new ArgumentException($"{what}: {Name} has {outputs.Count} output(s) ({string.Join(", ", OutputNames)}), got {y.Length} target array(s).");
        return y.Select((t, k) => CheckTarget(t, k, outputs.Count == 1 ? what : $"{what}[{k}] ({OutputNames[k]})", use)).ToArray();
    }

    private HostArray CheckTarget(HostArray y, int output, string what, string use)
    {
        ArgumentNullException.ThrowIfNull(y);
        var shape = OutputShapes![output];
        var loss = Losses[output];
        var reshaped = CheckTargetShape(y, shape, loss, what);
        if (CheckData)
            DataCheck.Targets(y, loss, shape[^1], OutputNames[output], what, use); // y's own shape: the index the caller can look up
        return reshaped;
    }

    private HostArray CheckTargetShape(HostArray y, IReadOnlyList<int> shape, LossFunction loss, string what)
    {
        int[] expected = loss.IsSparse ? [.. shape.Take(shape.Count - 1)] : [.. shape];
        var perSample = y.Shape[1..];
        if (ShapesMatch(expected, perSample))
            return y;
        if (!loss.IsSparse && expected is [1] && perSample.Length == 0)
            return new HostArray(y.Data, y.Count, 1);
        if (loss.IsSparse && ShapesMatch([.. expected, 1], perSample))
            return new HostArray(y.Data, [y.Count, .. perSample[..^1]]);
        throw new ArgumentException(
            $"{what}: {Name} with loss {loss.Name} expects targets of shape {ModelSummary.FormatShape(expected)}, got {ShapeUtil.Format(y.Shape)}.");
    }

    /// <summary>Whether a concrete per-sample shape fits one with -1 (any length) axes.</summary>
    private protected static bool ShapesMatch(IReadOnlyList<int> expected, IReadOnlyList<int> actual) =>
        expected.Count == actual.Count && expected.Zip(actual).All(p => p.First < 0 || p.First == p.Second);

    /// <summary>x must be finite (unless CheckData is off); after CheckInputs, which checks the shapes.</summary>
    private void CheckInputData(HostArray[] x, string what, string use)
    {
        if (CheckData)
            DataCheck.Inputs(x, what, use);
    }

    /// <summary>
    /// For Fit's StopReason: a step whose loss was finite may still have applied non-finite gradients
    /// (an overflow), so the weights are read back and the reason says whether they are finite.
    /// </summary>
    private string DescribeWeightsAfterStop()
    {
        var values = Parameters!.Values.ToArray(); // [total], once, at the stop
        long bad = values.LongCount(v => !float.IsFinite(v));
        if (bad == 0)
            return "; the weights are those after the previous step and are all finite";
        var names = Parameters.Parameters.Where(p => p.ToArray().Any(v => !float.IsFinite(v))).Select(p => p.Name).ToList();
        return $", but {bad} of {values.Length} weights are already NaN or infinite (in {string.Join(", ", names)}): an earlier step's " +
            "gradients were not finite (an overflow, or NaN/infinity in data with Model.CheckData off); lower the learning rate, " +
            "clip the gradients (e.g. GlobalClipNorm) or load weights saved before";
    }

    /// <summary>Inputs must fit the model before anything is uploaded (Embedding inputs: valid token ids).</summary>
    private protected virtual void CheckInputs(HostArray[] x, string what, bool anyTimeSteps = false) =>
        _graph!.CheckInputs(x, what, anyTimeSteps);
}
