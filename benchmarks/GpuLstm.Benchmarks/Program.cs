using BenchmarkDotNet.Running;

namespace GpuLstm.Benchmarks;

/// <summary>
/// BenchmarkDotNet entry: `dotnet run -c Release --project benchmarks/GpuLstm.Benchmarks -- --filter '*'`;
/// `-- gemm [--rounds N] [--only TEXT|TEXT..]` runs <see cref="GemmMicrobenchmark"/> instead.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "gemm")
            return GemmMicrobenchmark.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
