using System.CommandLine;

namespace GpuLstm.Cli.Parsing;

/// <summary>
/// A command whose one-line description heads its help and the parent's command list, with longer
/// text (what it computes, defaults that need explaining, environment) printed after the options.
/// </summary>
public sealed class DetailedCommand(string name, string description, string details = "") : Command(name, description)
{
    /// <summary>Printed by <c>--help</c> below the generated sections; empty for none.</summary>
    public string Details { get; } = details;
}
