using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Ops;
using ILGPU.Runtime;

namespace GpuLstm.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project benchmarks/GpuLstm.Benchmarks -- gemm [--rounds N]`: times every GEMM of the
/// large and xl training steps (<see cref="GemmCase.All"/>) on the CPU accelerator through GpuLstm's engine
/// (its OpenBLAS thread rule) and straight through cblas_sgemm at 1 and 2 OpenBLAS threads, same operands and
/// layouts; prints GFLOP/s per round (medians of 15 samples) and the median over rounds. A stopwatch loop
/// rather than BenchmarkDotNet: on a shared 2-vCPU machine rounds interleaved with the load average say more.
/// benchmarks/gemm_torch.py times the same products through PyTorch.
/// </summary>
public static class GemmMicrobenchmark
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112, Samples = 15;
    private const string Blas = "libopenblas.so.0"; // the name OpenBlasGemmEngine loads first: the same library instance

    [DllImport(Blas)]
    private static extern void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        IntPtr a, int lda, IntPtr b, int ldb, float beta, IntPtr c, int ldc);

    [DllImport(Blas)]
    private static extern void openblas_set_num_threads(int threads);

    [DllImport(Blas)]
    private static extern int openblas_get_num_threads();

    [DllImport(Blas)]
    private static extern IntPtr openblas_get_corename();

    public static int Run(string[] args)
    {
        int rounds = 3;
        string only = "";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--rounds")
                rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--only")
                only = args[i + 1];
            else
                throw new ArgumentException($"gemm: unknown option '{args[i]}'; expected --rounds N or --only TEXT|TEXT.. (cases whose name contains one of them).");
        }
        var cases = GemmCase.All.Where(c => only.Split('|').Any(o => c.Name.Contains(o, StringComparison.Ordinal))).ToArray();
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        if (device.GemmEngineName != "openblas")
            throw new InvalidOperationException($"gemm: the CPU device uses GEMM engine '{device.GemmEngineName}', not openblas.");
        Console.WriteLine($"GEMM GFLOP/s, {Environment.ProcessorCount} CPUs, OpenBLAS {Marshal.PtrToStringUTF8(openblas_get_corename())} kernels, "
            + $"default threads {openblas_get_num_threads()}; "
            + "engine = GpuLstm's Gemm.Run (threads: what its rule picked), blas Nt = cblas_sgemm at N threads");
        string[] variants = ["engine", "blas 1t", "blas 2t"];
        var results = cases.ToDictionary(c => c, _ => variants.ToDictionary(v => v, _ => new List<double>()));
        var engineThreads = new Dictionary<GemmCase, int>();
        for (int r = 0; r < rounds; r++)
        {
            Console.WriteLine($"round {r + 1}/{rounds}  load average {LoadAverage()}");
            foreach (var gemm in cases)
            {
                using var operands = new Operands(device, gemm);
                var calls = new Action[]
                {
                    () => operands.RunEngine(device),
                    () => WithThreads(1, operands.RunBlas),
                    () => WithThreads(2, operands.RunBlas),
                };
                var gflops = Time(gemm, calls);
                operands.RunEngine(device);
                engineThreads[gemm] = openblas_get_num_threads();
                for (int v = 0; v < variants.Length; v++)
                    results[gemm][variants[v]].Add(gflops[v]);
                var (engine, one, two) = (gflops[0], gflops[1], gflops[2]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {gemm.Name,-40} engine ({engineThreads[gemm]}t) {engine,6:F1}   blas 1t {one,6:F1}   blas 2t {two,6:F1}"));
            }
        }
        Console.WriteLine($"median over {rounds} rounds (GFLOP/s; ms per call in brackets), load average now {LoadAverage()}:");
        Console.WriteLine($"| GEMM | beta | engine | threads | blas 1t | blas 2t |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var gemm in cases)
        {
            string Cell(string v)
            {
                double g = Median(results[gemm][v]);
                return string.Create(CultureInfo.InvariantCulture, $"{g:F1} ({gemm.Flop / g / 1e6:F3})");
            }
            Console.WriteLine($"| {gemm.Name} | {gemm.Beta} | {Cell("engine")} | {engineThreads[gemm]} | {Cell("blas 1t")} | {Cell("blas 2t")} |");
        }
        return 0;
    }

    /// <summary>
    /// GFLOP/s of each call: median over <see cref="Samples"/> samples of enough back-to-back calls to fill ~5 ms,
    /// the calls' samples interleaved so that all of them see the same load.
    /// </summary>
    private static double[] Time(GemmCase gemm, Action[] calls)
    {
        var reps = new int[calls.Length];
        var perCall = new double[calls.Length][];
        for (int v = 0; v < calls.Length; v++)
        {
            for (int i = 0; i < 3; i++)
                calls[v]();
            long start = Stopwatch.GetTimestamp();
            calls[v]();
            reps[v] = (int)Math.Clamp(5.0 / Math.Max(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 1e-3), 1, 1000);
            perCall[v] = new double[Samples];
        }
        for (int s = 0; s < Samples; s++)
            for (int v = 0; v < calls.Length; v++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < reps[v]; i++)
                    calls[v]();
                perCall[v][s] = Stopwatch.GetElapsedTime(start).TotalSeconds / reps[v];
            }
        return [.. perCall.Select(p => gemm.Flop / Median(p) / 1e9)];
    }

    /// <summary>Runs <paramref name="body"/> at <paramref name="threads"/> OpenBLAS threads, then restores the
    /// setting the engine last made (it skips setting a count it believes is already set).</summary>
    private static void WithThreads(int threads, Action body)
    {
        int before = openblas_get_num_threads();
        openblas_set_num_threads(threads);
        try
        {
            body();
        }
        finally
        {
            openblas_set_num_threads(before);
        }
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>A, B, C of one case, stored as LstmSequenceOp stores them (a transposed operand is a
    /// dense row-major matrix of the other orientation viewed through swapped strides).</summary>
    private sealed class Operands : IDisposable
    {
        private readonly GemmCase _gemm;
        private readonly Tensor _a, _b, _c;
        private readonly MatrixView _va, _vb, _vc;

        public Operands(ComputeDevice device, GemmCase gemm)
        {
            _gemm = gemm;
            var rng = new Random(3);
            Tensor Make(int rows, int cols, string name) =>
                Tensor.FromArray(device, Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), [rows, cols], name);
            _a = gemm.TransA ? Make(gemm.K, gemm.M, "a") : Make(gemm.M, gemm.K, "a"); // stored [K, M] or [M, K]
            _b = gemm.TransB ? Make(gemm.N, gemm.K, "b") : Make(gemm.K, gemm.N, "b"); // stored [N, K] or [K, N]
            _c = Make(gemm.M, gemm.N, "c");                                            // [M, N]
            _va = gemm.TransA ? MatrixView.Of(_a, gemm.K, gemm.M).T : MatrixView.Of(_a, gemm.M, gemm.K);
            _vb = gemm.TransB ? MatrixView.Of(_b, gemm.N, gemm.K).T : MatrixView.Of(_b, gemm.K, gemm.N);
            _vc = MatrixView.Of(_c, gemm.M, gemm.N);
        }

        public void RunEngine(ComputeDevice device) => Gemm.Run(device, "gemm-bench", _va, _vb, _vc, 1f, _gemm.Beta);

        public void RunBlas() => cblas_sgemm(RowMajor, _gemm.TransA ? Trans : NoTrans, _gemm.TransB ? Trans : NoTrans,
            _gemm.M, _gemm.N, _gemm.K, 1f,
            _va.View.LoadEffectiveAddressAsPtr(), _gemm.TransA ? _gemm.M : _gemm.K,
            _vb.View.LoadEffectiveAddressAsPtr(), _gemm.TransB ? _gemm.K : _gemm.N,
            _gemm.Beta, _vc.View.LoadEffectiveAddressAsPtr(), _gemm.N);

        public void Dispose()
        {
            _a.Dispose();
            _b.Dispose();
            _c.Dispose();
        }
    }
}
