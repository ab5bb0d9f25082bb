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
        var shown = comm.Rank == 0 ? output : TextWriter.Null;
        using var device = ComputeDevice.Create(options: new ComputeDeviceOptions { DeviceIndex = MpiCommunicator.LocalRank });
        shown.WriteLine($"Device: {device}   GEMM: {device.GemmEngineName}   ranks: {comm.Size}   {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        shown.WriteLine($"{"Shape",-20} {"ranks",5} {"rows/rank",9} {"ms/step",9} {"steps/s",8} {"all-reduce ms",14} {"gradient MB",12}");
        foreach (var shape in shapes)
        {
            int timed = steps ?? 10, total = Math.Max(warmup, 1) + timed;
            var rng = new Random(2);
            var x = new float[total * shape.Batch * shape.Steps * shape.Inputs];
            for (int i = 0; i < x.Length; i++)
                x[i] = (float)(rng.NextDouble() * 2 - 1);
            var y = Enumerable.Range(0, total * shape.Batch).Select(_ => (float)rng.Next(2)).ToArray();
            using var model = new Sequential("bench", device, seed: 1);
            model.Add(new Lstm(shape.Hidden, inputShape: (shape.Steps, shape.Inputs)));
            model.Add(new Dense(1, activation: "sigmoid"));
            model.Compile("adam", "binary_crossentropy");
            model.Distribute(comm);
            var clock = new StepClock(total - timed);
            model.Fit(new HostArray(x, total * shape.Batch, shape.Steps, shape.Inputs), new HostArray(y, total * shape.Batch, 1),
                shape.Batch, epochs: 1, verbose: 0, shuffle: false, callbacks: [clock]);
            // The all-reduces of the timed steps only: the warm-up's are in the total too, so scale by the step share.
            double allreduceMs = model.GradientAllreduceTime.TotalMilliseconds / Math.Max(1, model.GradientAllreduces);
            double median = clock.MedianMs;
            double gradientMb = model.Parameters!.Count * 4.0 / (1024 * 1024);
            shown.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{shape.Name,-20} {comm.Size,5} {BatchShare.Of(0, shape.Batch, 0, comm.Size).Count,9} {median,9:F2} {1000 / median,8:F2} {allreduceMs,14:F2} {gradientMb,12:F2}"));
        }
        return 0;
    }

    /// <summary>Times each step after the first <paramref name="untimed"/> (batch begin to batch end, which includes the all-reduce).</summary>
    private sealed class StepClock(int untimed) : Callback
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

        public override void OnBatchEnd(Model model, int batch, IReadOnlyDictionary<string, double> logs)
        {
            if (batch >= untimed)
                _ms.Add(Stopwatch.GetElapsedTime(_start).TotalMilliseconds);
        }
    }
}
