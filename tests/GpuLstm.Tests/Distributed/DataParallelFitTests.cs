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
    [InlineData(2, 8)]
    [InlineData(3, 8)]
    [InlineData(3, 2)]  // every step leaves one rank an empty share
    public void MatchesOneProcessAndKeepsRanksIdentical(int ranks, int batchSize)
    {
        var (x, y) = Data();
        var single = Train(null, x, y, batchSize);
        var group = new ThreadCommunicator.Group(ranks);
        var comms = group.Members();
        var results = new (History History, float[] Weights, bool Agree)[ranks];
        var failures = new Exception?[ranks];
        var threads = comms.Select(c => new Thread(() =>
        {
            try
            {
                results[c.Rank] = Train(c, x, y, batchSize);
            }
            catch (Exception e)
            {
                failures[c.Rank] = e;
            }
        })).ToArray();
        foreach (var t in threads)
            t.Start();
        foreach (var t in threads)
            t.Join();
        Assert.All(failures, f => Assert.Null(f));
        for (int r = 0; r < ranks; r++)
        {
            Assert.True(results[r].Agree, $"rank {r}: WeightsAgreeAcrossRanks said no");
            Assert.Equal(results[0].Weights, results[r].Weights); // bit for bit
            foreach (var key in new[] { "loss", "mae", "val_loss", "val_mae" })
                Compare.Close($"rank {r} of {ranks}, {key}", single.History[key].Select(v => (float)v).ToArray(),
                    results[r].History[key].Select(v => (float)v).ToArray(), absTol: 1e-6, relTol: 1e-4);
        }
        Compare.Close($"{ranks} ranks, final weights", single.Weights, results[0].Weights, absTol: 1e-5, relTol: 1e-3);
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

    private static (History History, float[] Weights, bool Agree) Train(ICommunicator? comm, HostArray x, HostArray y, int batchSize)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Model(device, seed: comm is null ? 7 : 7 + comm.Rank); // rank 0's weights win by broadcast
        model.Distribute(comm);
        var (vx, vy) = Data(seed: 99, count: 11);
        var history = model.Fit(x, y, batchSize, epochs: 3, verbose: 0, validationData: (vx, vy),
            callbacks: [new ReduceLROnPlateau("val_loss", factor: 0.5f, patience: 1)]);
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

    private static (HostArray X, HostArray Y) Data(int seed = 5, int count = Samples)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, count * Steps * Features).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var y = Enumerable.Range(0, count).Select(i => x.Skip(i * Steps * Features).Take(Steps * Features).Sum() * 0.1f).ToArray();
        return (new HostArray(x, count, Steps, Features), new HostArray(y, count, 1));
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
