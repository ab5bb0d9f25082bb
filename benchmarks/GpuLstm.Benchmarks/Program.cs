using BenchmarkDotNet.Running;

namespace GpuLstm.Benchmarks;

/// <summary>BenchmarkDotNet entry: `dotnet run -c Release --project benchmarks/GpuLstm.Benchmarks -- --filter '*'`.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
