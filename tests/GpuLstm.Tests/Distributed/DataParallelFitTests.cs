using GpuLstm.Device;
using GpuLstm.Distributed;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Distributed;

/// <summary>
/// Data-parallel Fit (Model.Distribute) with 2 and 3 ranks on threads (ThreadCommunicator), each rank its
/// own CPU device, against one process with the same global batch and seed: the loss and metric history
/// and the final weights agree to float tolerance, and every rank ends with rank 0's weights bit for bit.
/// Batches that do not split evenly, and a batch smaller than the number of ranks (an empty share), included.
/// </summary>
public sealed class DataParallelFitTests
{
    private const int Samples = 37, Steps = 6, Features = 3;

    [Theory]
    [InlineData(2, 8, false)]
    [InlineData(3, 8, false)]
    [InlineData(3, 2, false)]  // every step leaves one rank an empty share
    [InlineData(2, 8, true)]   // a functional model with two outputs (losses and metrics per output)
    public void MatchesOneProcessAndKeepsRanksIdentical(int ranks, int batchSize, bool functional)
    {
        var (x, y) = Data();
        var single = Train(null, x, y, batchSize, functional);
        var results = new ThreadCommunicator.Group(ranks).RunAll(c => Train(c, x, y, batchSize, functional));
        for (int r = 0; r < ranks; r++)
        {
            Assert.True(results[r].Agree, $"rank {r}: WeightsAgreeAcrossRanks said no");
            Assert.Equal(results[0].Weights, results[r].Weights); // bit for bit
            Assert.Equal(single.History.Values.Keys.Order(), results[r].History.Values.Keys.Order());
            Assert.Contains("val_loss", single.History.Values.Keys);
            foreach (var key in single.History.Values.Keys.Where(k => k != "learning_rate"))
                Compare.Close($"rank {r} of {ranks}, {key}", single.History[key].Select(v => (float)v).ToArray(),
                    results[r].History[key].Select(v => (float)v).ToArray(), absTol: 1e-6, relTol: 1e-4);
        }
        Compare.Close($"{ranks} ranks, final weights", single.Weights, results[0].Weights, absTol: 1e-5, relTol: 1e-3);
    }

    /// <summary>Writing callbacks run on rank 0 only; deciding ones everywhere, and a stop on one rank stops all.</summary>
    [Fact]
    public void OnlyRankZeroWritesAndAStopOnOneRankStopsAll()
    {
        var (x, y) = Data();
        string dir = Directory.CreateTempSubdirectory("gpulstm-dp-").FullName;
        try
        {
            var runs = new ThreadCommunicator.Group(2).RunAll(c =>
            {
                using var device = ComputeDevice.Create(DeviceKind.Cpu);
                using var model = Model(device);
                model.Distribute(c);
                using var output = new StringWriter();
                var history = model.Fit(x, y, batchSize: 8, epochs: 6, verbose: 1, output: output,
                    callbacks: [new CsvLogger(Path.Combine(dir, $"rank{c.Rank}.csv")), new StopOnRank(rank: 1, afterEpoch: 1)]);
                return (history.Epochs, Output: output.ToString());
            });
            var epochs = runs.Select(r => r.Epochs).ToArray();
            var outputs = runs.Select(r => r.Output).ToArray();
            Assert.Equal([2, 2], epochs); // rank 1 asked to stop after epoch 2 (index 1): both stopped there
            Assert.True(File.Exists(Path.Combine(dir, "rank0.csv")), "rank 0's CsvLogger wrote nothing");
            Assert.False(File.Exists(Path.Combine(dir, "rank1.csv")), "rank 1 ran a writing callback");
            Assert.Contains("Epoch 1/6", outputs[0], StringComparison.Ordinal);
            Assert.Equal("", outputs[1]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RanksGivenDifferentFitsFailSayingWhatDiffers()
    {
        var runs = new ThreadCommunicator.Group(2).Run<int>(c =>
        {
            var (x, y) = Data(count: c.Rank == 0 ? Samples : Samples - 1);
            using var device = ComputeDevice.Create(DeviceKind.Cpu);
            using var model = Model(device);
            model.Distribute(c);
            model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0);
            return 0;
        });
        var errors = runs.Select(r => Assert.IsType<InvalidOperationException>(r.Failure).Message).ToArray();
        Assert.NotNull(errors[0]);
        Assert.Contains($"rank 1 of 2): the ranks were not given the same Fit: samples {Samples - 1} (rank 0: {Samples})", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void StatefulLayersAreRefusedBeforeAnyCollective()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential("stateful", device, 1);
        model.Add(new Lstm(4, stateful: true, inputShape: (Steps, Features)));
        model.Add(new Dense(1));
        model.Compile("adam", "mse");
        model.Distribute(new ThreadCommunicator.Group(1).Members()[0]);
        var (x, y) = Data(count: 16);
        var e = Assert.Throws<NotSupportedException>(() => model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false));
        Assert.Contains("is stateful, which data-parallel training does not support", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DistributeRefusesANonsenseCommunicator()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model();
        var e = Assert.Throws<ArgumentException>(() => model.Distribute(new BadCommunicator()));
        Assert.Contains("rank 5 of 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => model.WeightsAgreeAcrossRanks());
    }

    [Fact]
    public void SharesCoverEveryRowOnce()
    {
        foreach (int size in new[] { 1, 2, 3, 7 })
            foreach (int count in new[] { 0, 1, 2, 5, 64, 65 })
            {
                var shares = Enumerable.Range(0, size).Select(r => BatchShare.Of(10, count, r, size)).ToArray();
                Assert.Equal(count, shares.Sum(s => s.Count));
                for (int r = 1; r < size; r++)
                    Assert.Equal(shares[r - 1].Start + shares[r - 1].Count, shares[r].Start);
                Assert.Equal(10, shares[0].Start);
                Assert.True(shares.Max(s => s.Count) - shares.Min(s => s.Count) <= 1);
            }
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShare.Of(0, 4, 2, 2));
    }

    private static (History History, float[] Weights, bool Agree) Train(ICommunicator? comm, HostArray x, HostArray y, int batchSize,
        bool functional)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        int seed = comm is null ? 7 : 7 + comm.Rank; // rank 0's weights win by broadcast
        using var model = functional ? TwoHeads(device, seed) : Model(device, seed);
        model.Distribute(comm);
        var (vx, vy) = Data(seed: 99, count: 11);
        var callbacks = new Callback[] { new ReduceLROnPlateau("val_loss", factor: 0.5f, patience: 1) };
        var history = functional
            ? model.Fit([x], [y, Flags(y)], batchSize, epochs: 3, verbose: 0, validationData: new ValidationData([vx], [vy, Flags(vy)]), callbacks: callbacks)
            : model.Fit(x, y, batchSize, epochs: 3, verbose: 0, validationData: (vx, vy), callbacks: callbacks);
        Assert.Null(history.StopReason);
        var weights = model.GetWeights().SelectMany(w => w.Data).ToArray();
        return (history, weights, comm is null || model.WeightsAgreeAcrossRanks());
    }

    private static Sequential Model(ComputeDevice? device = null, int seed = 7)
    {
        device ??= ComputeDevice.Create(DeviceKind.Cpu);
        var model = new Sequential("dp", device, seed);
        model.Add(new Lstm(5, inputShape: (Steps, Features)));
        model.Add(new Dense(1));
        model.Compile("adam", "mse", ["mae"]);
        return model;
    }

    private static Model TwoHeads(ComputeDevice device, int seed)
    {
        var input = new Input([Steps, Features]);
        var h = new Lstm(5).Apply(input);
        var model = new Model(input, [new Dense(1, name: "value").Apply(h), new Dense(1, activation: "sigmoid", name: "flag").Apply(h)],
            device: device, seed: seed);
        model.Compile("adam", ["mse", "binary_crossentropy"], ["mae"]);
        return model;
    }

    private static HostArray Flags(HostArray y) => new(y.Data.Select(v => v > 0 ? 1f : 0f).ToArray(), y.Count, 1);

    private static (HostArray X, HostArray Y) Data(int seed = 5, int count = Samples)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, count * Steps * Features).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var y = Enumerable.Range(0, count).Select(i => x.Skip(i * Steps * Features).Take(Steps * Features).Sum() * 0.1f).ToArray();
        return (new HostArray(x, count, Steps, Features), new HostArray(y, count, 1));
    }

    private sealed class StopOnRank(int rank, int afterEpoch) : Callback
    {
        public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
        {
            if (epoch == afterEpoch && model.Communicator!.Rank == rank)
                model.StopTraining = true;
        }
    }

    private sealed class BadCommunicator : ICommunicator
    {
        public int Rank => 5;
        public int Size => 2;
        public void AllreduceSum(double[] values) { }
        public void AllreduceSum(float[] values) { }
        public void Broadcast(float[] values, int root) { }
        public void Broadcast(long[] values, int root) { }
    }
}
