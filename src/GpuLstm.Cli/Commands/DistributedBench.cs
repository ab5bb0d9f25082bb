using System.Diagnostics;
using System.Globalization;
using GpuLstm.Device;
using GpuLstm.Distributed;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Mpi;

namespace GpuLstm.Cli.Commands;

/// <summary>
/// <c>gpulstm bench --distributed</c> under mpiexec: the bench shapes' training step as a data-parallel Keras-style
/// Fit (Sequential LSTM + Dense(1, sigmoid), binary cross-entropy, Adam) with the shape's batch as the global
/// batch, split across the ranks; rank 0 prints ms/step, steps/s and the gradient all-reduce's share per step.
/// </summary>
internal static class DistributedBench
{
    public static int Run(TextWriter output, IReadOnlyList<BenchShape> shapes, int warmup, int? steps, ICommunicator comm)
    {
        var shown = DistributedRun.Shown(output, comm);
        using var device = ComputeDevice.Create(options: MpiCommunicator.DeviceOptions());
        shown.WriteLine($"Device: {device}   GEMM: {device.GemmEngineName}{BenchCommand.RecurrenceNote(device)}   ranks: {comm.Size}   {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        shown.WriteLine($"{"Shape",-20} {"ranks",5} {"rows/rank",9} {"ms/step",9} {"steps/s",8} {"all-reduce ms",14} {"gradient MB",12}");
        foreach (var shape in shapes)
        {
            int timed = steps ?? 10;
            var (x, y) = Data(shape, Math.Max(warmup, timed));
            using var model = new Sequential("bench", device, seed: 1);
            model.Add(new Lstm(shape.Hidden, inputShape: (shape.Steps, shape.Inputs)));
            model.Add(new Dense(1, activation: "sigmoid"));
            model.Compile("adam", "binary_crossentropy");
            model.Distribute(comm);
            // Warm-up as the one-process bench does: the steps asked for, and at least BenchCommand.MinWarmup of them.
            // Rank 0's clock decides for all (every rank must run the same Fits: they hold collectives).
            var warming = Stopwatch.StartNew();
            var more = new long[] { warmup > 0 ? 1 : 0 };
            while (more[0] != 0)
            {
                model.Fit(Rows(x, shape, warmup), Rows(y, shape, warmup), shape.Batch, epochs: 1, verbose: 0, shuffle: false);
                more[0] = warming.Elapsed < BenchCommand.MinWarmup ? 1 : 0;
                comm.Broadcast(more, 0);
            }
            var clock = new StepClock();
            model.Fit(Rows(x, shape, timed), Rows(y, shape, timed), shape.Batch, epochs: 1, verbose: 0, shuffle: false, callbacks: [clock]);
            // This Fit's all-reduces only: each Fit starts the count again.
            double allreduceMs = model.GradientAllreduceTime.TotalMilliseconds / Math.Max(1, model.GradientAllreduces);
            double median = clock.MedianMs;
            double gradientMb = model.Parameters!.Count * 4.0 / (1024 * 1024);
            shown.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{shape.Name,-20} {comm.Size,5} {BatchShare.Of(0, shape.Batch, 0, comm.Size).Count,9} {median,9:F2} {1000 / median,8:F2} {allreduceMs,14:F2} {gradientMb,12:F2}"));
        }
        return 0;
    }

    /// <summary>Random inputs and 0/1 targets for <paramref name="batches"/> global batches of the shape.</summary>
    private static (HostArray X, HostArray Y) Data(BenchShape shape, int batches)
    {
        var rng = new Random(2);
        var x = new float[batches * shape.Batch * shape.Steps * shape.Inputs];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        var y = Enumerable.Range(0, batches * shape.Batch).Select(_ => (float)rng.Next(2)).ToArray();
        return (new HostArray(x, batches * shape.Batch, shape.Steps, shape.Inputs), new HostArray(y, batches * shape.Batch, 1));
    }

    /// <summary>The first <paramref name="batches"/> global batches.</summary>
    private static HostArray Rows(HostArray a, BenchShape shape, int batches) => a.Rows(0, batches * shape.Batch);

    /// <summary>Times each step (batch begin to batch end, which includes the all-reduce).</summary>
    private sealed class StepClock : Callback
    {
        private readonly List<double> _ms = new();
        private long _start;

        public double MedianMs
        {
            get
            {
                var sorted = _ms.Order().ToList();
                return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
            }
        }

        public override void OnBatchBegin(Model model, int batch) => _start = Stopwatch.GetTimestamp();

        public override void OnBatchEnd(Model model, int batch, IReadOnlyDictionary<string, double> logs) =>
            _ms.Add(Stopwatch.GetElapsedTime(_start).TotalMilliseconds);
    }
}
