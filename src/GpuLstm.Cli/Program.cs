using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using GpuLstm.Cli.Parsing;

namespace GpuLstm.Cli;

/// <summary>
/// The `gpulstm` command. Exit codes: 0 success, 2 a usage error (unknown option, bad value; found
/// while parsing, before anything runs), 1 a failure while running. Errors are one line each on
/// stderr, <c>gpulstm: message</c>, never a stack trace.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // A fault outside the command's own thread would otherwise abort with a stack trace (exit 134).
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            Fail(Console.Error, e.ExceptionObject is Exception ex ? Describe(ex) : "unhandled fault.");
            Environment.Exit(1);
        };
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Parses and runs one command line; tests call this in-process with their own writers.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ParseResult parsed = GpuLstmRootCommand.Create().Parse(args);
        if (parsed.Action is ParseErrorAction)
            return UsageError(error, parsed, parsed.Errors.Select(e => e.Message).ToArray());
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Fail(error, Describe(e), 1);
        }
    }

    /// <summary>Reports usage errors found by a command itself, like the parser's: exit code 2.</summary>
    internal static int UsageError(ParseResult parsed, string message) => UsageError(parsed.InvocationConfiguration.Error, parsed, message);

    private static int UsageError(TextWriter error, ParseResult parsed, params string[] messages)
    {
        foreach (string message in messages)
            Fail(error, message);
        error.WriteLine($"Run `{CommandPath(parsed)} --help` for usage.");
        return 2;
    }

    /// <summary>Writes <c>gpulstm: message</c> on one line and returns <paramref name="code"/>.</summary>
    internal static int Fail(TextWriter error, string message, int code = 1)
    {
        error.WriteLine($"gpulstm: {OneLine(message)}");
        return code;
    }

    // The failures a user can cause (bad file, too short a series, no device) carry their own message;
    // anything else is a bug, named by its type so the one line still says what broke.
    internal static string Describe(Exception e)
    {
        while (e is TargetInvocationException or AggregateException && e.InnerException is { } inner)
            e = inner;
        if (e is ArgumentException argument)
            return WithoutParameter(argument);
        return e is InvalidOperationException or IOException or NotSupportedException or FormatException
            or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException
            ? e.Message
            : $"{e.GetType().Name}: {e.Message}";
    }

    // "(Parameter 'name')" names a C# argument, which means nothing to someone at a shell.
    private static string WithoutParameter(ArgumentException e)
    {
        string message = e.Message;
        if (e.ParamName is { } name)
        {
            string suffix = $" (Parameter '{name}')";
            int at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
                message = message.Remove(at, suffix.Length);
        }
        return message;
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }
}
