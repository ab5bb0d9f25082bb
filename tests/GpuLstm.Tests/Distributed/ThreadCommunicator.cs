using GpuLstm.Distributed;

namespace GpuLstm.Tests.Distributed;

/// <summary>
/// An in-process stand-in for MPI: one communicator per thread of a group, collectives through a shared
/// slot and a barrier (rank 0 adds in rank order, like MpiCommunicator's reduce-then-broadcast). A rank
/// that waits longer than the timeout fails instead of hanging the test run.
/// </summary>
internal sealed class ThreadCommunicator(ThreadCommunicator.Group group, int rank) : ICommunicator
{
    public sealed class Group(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly Array?[] Slots = new Array?[size];
        public Array? Result;
        public int Size => size;

        public ThreadCommunicator[] Members() => Enumerable.Range(0, size).Select(r => new ThreadCommunicator(this, r)).ToArray();

        /// <summary>Runs <paramref name="rank"/> on a thread per rank; returns each rank's result or exception.</summary>
        public (T? Result, Exception? Failure)[] Run<T>(Func<ThreadCommunicator, T> rank)
        {
            var results = new (T?, Exception?)[size];
            var threads = Members().Select(c => new Thread(() =>
            {
                try
                {
                    results[c.Rank] = (rank(c), null);
                }
                catch (Exception e)
                {
                    results[c.Rank] = (default, e);
                }
            })).ToArray();
            foreach (var t in threads)
                t.Start();
            foreach (var t in threads)
                t.Join();
            return results;
        }

        /// <summary>As <see cref="Run{T}"/>, failing the test when a rank failed.</summary>
        public T[] RunAll<T>(Func<ThreadCommunicator, T> rank)
        {
            var results = Run(rank);
            foreach (var (_, failure) in results)
                Assert.Null(failure);
            return results.Select(r => r.Result!).ToArray();
        }
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public int Rank => rank;

    public int Size => group.Size;

    public int Collectives { get; private set; }

    public void AllreduceSum(double[] values) => Sum(values, (a, b) => a + b);

    public void AllreduceSum(float[] values) => Sum(values, (a, b) => a + b);

    public void Broadcast(float[] values, int root) => Bcast(values, root);

    public void Broadcast(long[] values, int root) => Bcast(values, root);

    private void Sum<T>(T[] values, Func<T, T, T> add)
    {
        group.Slots[rank] = (T[])values.Clone();
        Wait();
        if (rank == 0)
        {
            var sum = (T[])group.Slots[0]!.Clone();
            for (int r = 1; r < group.Size; r++)
            {
                var other = (T[])group.Slots[r]!;
                if (other.Length != sum.Length)
                    throw new InvalidOperationException($"AllreduceSum: rank {r} sent {other.Length} values, rank 0 {sum.Length}.");
                for (int i = 0; i < sum.Length; i++)
                    sum[i] = add(sum[i], other[i]);
            }
            group.Result = sum;
        }
        Wait();
        ((T[])group.Result!).CopyTo(values, 0);
        Wait();
    }

    private void Bcast<T>(T[] values, int root)
    {
        if (rank == root)
            group.Result = (T[])values.Clone();
        Wait();
        ((T[])group.Result!).CopyTo(values, 0);
        Wait();
    }

    private void Wait()
    {
        Collectives++;
        if (!group.Barrier.SignalAndWait(Timeout))
            throw new TimeoutException($"rank {rank}: the other ranks did not reach the collective within {Timeout.TotalSeconds} s.");
    }
}
