using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace GpuLstm.Cli.Parsing;

/// <summary>The generated help, then the command's <see cref="DetailedCommand.Details"/>.</summary>
internal sealed class DetailedHelpAction(HelpAction generated) : SynchronousCommandLineAction
{
    // Like the generated help: `--help` wins over any other error on the line.
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        int code = generated.Invoke(parseResult);
        if (parseResult.CommandResult.Command is DetailedCommand { Details.Length: > 0 } command)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(command.Details.TrimEnd());
            output.WriteLine();
        }
        return code;
    }
}
