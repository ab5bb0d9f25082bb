using System.CommandLine;
using System.CommandLine.Help;
using GpuLstm.Cli.Commands;

namespace GpuLstm.Cli.Parsing;

/// <summary>The root `gpulstm` command with every subcommand, the help that prints details, and --version.</summary>
public static class GpuLstmRootCommand
{
    private const string Details = """
        Environment:
          GPULSTM_DEVICE=cuda|opencl|cpu   force a device kind (default: CUDA, else OpenCL, else CPU)
          GPULSTM_GEMM=ilgpu               use GpuLstm's own GEMM kernel instead of cuBLAS/OpenBLAS
          GPULSTM_PTXAS=PATH               the ptxas used by `gpulstm kernels`

        Exit codes: 0 success, 1 a failure while running, 2 a usage error (unknown option, bad value).
        `gpulstm <command> --help` describes each command.
        """;

    public static Command Create()
    {
        // A plain command named gpulstm: RootCommand would take its name from the executable (GpuLstm.Cli under dotnet run).
        var root = new DetailedCommand("gpulstm", "GpuLstm: LSTMs on the GPU (CUDA, OpenCL) or the CPU, with ILGPU.", Details);
        var help = new HelpOption();
        help.Action = new DetailedHelpAction((HelpAction)help.Action!);
        root.Options.Add(help);
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ExampleCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(SummaryCommand.Create());
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(KernelsCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        CliOptions.RequireSubcommand(root);
        return root;
    }
}
