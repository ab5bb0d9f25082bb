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
