using GpuLstm.Device;
using GpuLstm.Models;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm summary MODEL</c>: Keras's summary table of a saved model.</summary>
public static class SummaryCommand
{
    public static int Run(string[] argv)
    {
        var args = new CliArgs(argv, [], [], "summary");
        if (args.Help)
        {
            Console.WriteLine("Usage: gpulstm summary MODEL\n\nPrints the Keras-style summary of a model saved with Save (e.g. by `gpulstm train`).");
            return 0;
        }
        if (args.Positional.Count != 1)
            throw new ArgumentException("summary needs one MODEL path.");
        if (!File.Exists(args.Positional[0]))
            throw new ArgumentException($"no model file '{args.Positional[0]}'.");
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = Sequential.Load(args.Positional[0], device);
        model.Summary();
        return 0;
    }
}
