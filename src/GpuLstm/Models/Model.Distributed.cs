using GpuLstm.Distributed;

namespace GpuLstm.Models;

/// <summary>Data-parallel training: every rank holds the whole model and trains on its share of each global batch.</summary>
public partial class Model
{
    /// <summary>
    /// Wall time the last data-parallel Fit spent on its gradient all-reduces (device-to-host copy, the
    /// all-reduce, host-to-device copy), and how many it ran: for benchmarks of what distribution costs.
    /// </summary>
    public TimeSpan GradientAllreduceTime { get; private set; }

    public int GradientAllreduces { get; private set; }

    /// <summary>The ranks this model trains with (see <see cref="Distribute"/>), or null: one process.</summary>
    public ICommunicator? Communicator { get; private set; }

    /// <summary>
    /// Makes Fit data parallel over <paramref name="communicator"/>'s ranks (null: back to one process), as
    /// PyTorch DDP and Horovod do. Call it with the same model on every rank. Fit then, on every rank:
    /// starts from rank 0's weights (broadcast) and rank 0's shuffle order each epoch; splits every global
    /// batch of batchSize rows into contiguous shares (<see cref="BatchShare"/>); after the backward pass
    /// all-reduces the gradient arena once (staged through host memory), weighted so it is the gradient of
    /// the global batch's mean loss; runs the same optimizer step everywhere, so the weights stay identical;
    /// and all-reduces the loss and metric sums (validation data is split the same way), so every rank logs
    /// and decides the same (EarlyStopping, ReduceLROnPlateau, the non-finite-loss stop). Only rank 0 runs
    /// callbacks that write (progress output, ModelCheckpoint, CsvLogger: <see cref="Callbacks.Callback.RunsOnEveryRank"/>).
    /// Differences from one process with the same global batch: sums are added in another order (results
    /// agree to float tolerance), and dropout draws its masks per rank (statistically the same, not the same
    /// masks). Evaluate, Predict and TrainOnBatch stay local to each rank.
    /// </summary>
    public void Distribute(ICommunicator? communicator)
    {
        using var _ = EnterBusy("Distribute");
        if (communicator is not null && (communicator.Size < 1 || communicator.Rank < 0 || communicator.Rank >= communicator.Size))
            throw new ArgumentException($"Distribute: the communicator says rank {communicator.Rank} of {communicator.Size}; expected 0 <= rank < size.");
        Communicator = communicator;
    }

    /// <summary>
    /// Whether every rank holds exactly rank 0's weights (bit for bit): a collective call, every rank gets
    /// the same answer. Data-parallel Fit keeps them identical by construction; this checks it.
    /// </summary>
    public bool WeightsAgreeAcrossRanks()
    {
        using var _ = EnterBusy("WeightsAgreeAcrossRanks");
        var comm = Communicator ?? throw new InvalidOperationException("WeightsAgreeAcrossRanks: call Distribute(communicator) first.");
        if (Parameters is null)
            throw new InvalidOperationException("WeightsAgreeAcrossRanks: the model has no weights yet (build or fit it first).");
        var fingerprint = new[] { Fingerprint(Parameters.Values.ToArray()) };
        long mine = fingerprint[0];
        comm.Broadcast(fingerprint, 0);
        var disagreeing = new[] { mine == fingerprint[0] ? 0.0 : 1.0 };
        comm.AllreduceSum(disagreeing);
        return disagreeing[0] == 0;
    }

    /// <summary>FNV-1a over the values' bits: equal weights give equal fingerprints.</summary>
    private static long Fingerprint(float[] values)
    {
        ulong hash = 14695981039346656037UL;
        foreach (float v in values)
        {
            hash ^= BitConverter.SingleToUInt32Bits(v);
            hash *= 1099511628211UL;
        }
        return unchecked((long)hash);
    }

    /// <summary>
    /// Every rank must run the same steps, hence the same collectives: refuses stateful layers (their carried
    /// state has a row per batch row, and a rank holds only its share) and checks this rank's Fit against rank
    /// 0's, so different data sizes or settings fail on every rank with what differs instead of hanging.
    /// </summary>
    private void CheckSameFitOnEveryRank(ICommunicator comm, long samples, int batchSize, int epochs, bool shuffle, long validationSamples)
    {
        if (Layers.OfType<Layers.RecurrentLayer>().FirstOrDefault(l => l.Stateful) is { } stateful)
            throw new NotSupportedException($"Fit: layer '{stateful.Name}' is stateful, which data-parallel training does not support " +
                "(its carried state has one row per batch row and each rank holds only its share of the batch); train it in one process.");
        string[] names = ["samples", "batchSize", "epochs", "shuffle", "validation samples", "weights"];
        long[] mine = [samples, batchSize, epochs, shuffle ? 1 : 0, validationSamples, Parameters!.Count];
        var rankZero = (long[])mine.Clone();
        comm.Broadcast(rankZero, 0);
        var differing = new[] { mine.SequenceEqual(rankZero) ? 0.0 : 1.0 };
        comm.AllreduceSum(differing);
        if (differing[0] == 0)
            return;
        var here = names.Select((n, i) => mine[i] == rankZero[i] ? null : $"{n} {mine[i]} (rank 0: {rankZero[i]})").OfType<string>().ToList();
        throw new InvalidOperationException($"Fit (data parallel, rank {comm.Rank} of {comm.Size}): the ranks were not given the same Fit: " +
            $"{(here.Count == 0 ? "another rank's differs from rank 0's" : string.Join(", ", here))}; every rank must call Fit with the same " +
            "data sizes, batch size, epochs, shuffle and model.");
    }

    /// <summary>Whether any rank's callbacks asked to stop: then all stop after this epoch.</summary>
    private bool AnyRankStops(ICommunicator comm)
    {
        var stops = new[] { StopTraining ? 1.0 : 0.0 };
        comm.AllreduceSum(stops);
        return stops[0] > 0;
    }

    /// <summary>Rank 0's weights on every rank (after Build, before the first step); resets the all-reduce timing.</summary>
    private void BroadcastWeights(ICommunicator comm)
    {
        GradientAllreduceTime = TimeSpan.Zero;
        GradientAllreduces = 0;
        var values = Parameters!.Values.ToArray(); // [total]
        comm.Broadcast(values, 0);
        Parameters.Values.CopyFrom(values);
    }

    /// <summary>
    /// Every rank shuffles from rank 0's random state, so all see the same order; afterwards each rank
    /// moves to a state of its own so dropout masks differ between ranks (rank 0 keeps its state, so
    /// without dropout it draws exactly what one process would).
    /// </summary>
    private void ShuffleLikeRankZero(ICommunicator comm, int[] order)
    {
        var state = new[] { unchecked((long)Random.State) };
        comm.Broadcast(state, 0);
        Random.State = unchecked((ulong)state[0]);
        Random.Shuffle(order);
        Random.State ^= unchecked((ulong)comm.Rank * 0x9E3779B97F4A7C15UL);
    }

    /// <summary>
    /// The gradient of the global batch's mean loss on every rank: each rank's gradient (of its share's mean)
    /// weighted by its share of the rows, summed over ranks in one all-reduce of the whole gradient arena.
    /// </summary>
    private void AllreduceGradients(ICommunicator comm, int localCount, int globalCount)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var parameters = Parameters!;
        parameters.MaterializeGrads(); // an empty share, or a weight no output reached: zeros
        var grads = parameters.Grads.ToArray(); // [total]
        float weight = (float)localCount / globalCount;
        for (int i = 0; i < grads.Length; i++)
            grads[i] *= weight;
        comm.AllreduceSum(grads);
        parameters.Grads.CopyFrom(grads);
        GradientAllreduceTime += System.Diagnostics.Stopwatch.GetElapsedTime(start);
        GradientAllreduces++;
    }
}
