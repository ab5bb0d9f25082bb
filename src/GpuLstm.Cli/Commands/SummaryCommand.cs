using System.CommandLine;
using GpuLstm.Cli.Parsing;
using GpuLstm.Device;
using GpuLstm.Models;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm summary MODEL</c>: Keras's summary table of a saved model.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var model = CliOptions.ExistingFileArgument("MODEL", "a model saved with Save (e.g. by `gpulstm train`)");
        var command = new DetailedCommand("summary", "print the Keras-style summary of a saved model") { model };
        command.SetAction(p =>
        {
            using var device = ComputeDevice.Create(DeviceKind.Cpu);
            using var loaded = Model.Load(p.GetValue(model)!, device);
            loaded.Summary(p.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }
}
