using GpuLstm.Cli.Commands;

namespace GpuLstm.Cli;

/// <summary>The `gpulstm` command: dispatches to one command per verb; errors are one line, never a stack trace.</summary>
public static class Program
{
    private const string Usage = """
        Usage: gpulstm <command> [options]

        Commands:
          train     train a forecasting LSTM on the built-in CO2 record (or --data/--column) and
                    report its test error next to seasonal-naive and persistence baselines
          predict   forecast the next values with a model written by `train`
          example   run a real sequence task (text, forecast, classify, digits, g2p) next to its baseline
          generate  sample text from the character model written by `example text`
          summary   print the Keras-style summary of a saved model
          devices   list the accelerators ILGPU sees and which one GpuLstm would choose
          kernels   compile every kernel to PTX (sm_90) and OpenCL C; assemble with ptxas
          bench     time one LSTM training step and count launches, allocations, transfers
          data      list the downloadable data sets, or fetch and verify them (`data fetch all`)

        Environment:
          GPULSTM_DEVICE=cuda|opencl|cpu   force a device kind (default: CUDA, else OpenCL, else CPU)
          GPULSTM_GEMM=ilgpu               use GpuLstm's own GEMM kernel instead of cuBLAS/OpenBLAS
          GPULSTM_PTXAS=PATH               the ptxas used by `gpulstm kernels`

        `gpulstm <command> --help` describes each command.
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        string[] rest = args[1..];
        try
        {
            return args[0] switch
            {
                "train" => TrainCommand.Run(rest),
                "predict" => PredictCommand.Run(rest),
                "example" => ExampleCommand.Run(rest),
                "generate" => GenerateCommand.Run(rest),
                "summary" => SummaryCommand.Run(rest),
                "devices" => DevicesCommand.Run(rest),
                "kernels" => KernelsCommand.Run(rest),
                "bench" => BenchCommand.Run(rest),
                "data" => DataCommand.Run(rest),
                _ => Fail($"unknown command '{args[0]}'. Run `gpulstm --help` for the list."),
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NotSupportedException or FormatException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    internal static int Fail(string message, int code = 2)
    {
        Console.Error.WriteLine($"gpulstm: {message}");
        return code;
    }
}
