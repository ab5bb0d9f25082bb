using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace GpuLstm.Cli.Parsing;

/// <summary>
/// Typed options and arguments with the checks the commands share. Every check is a parse error
/// (exit code 2) whose message names the option, so a bad value never reaches a command.
/// </summary>
public static class CliOptions
{
    /// <summary>A whole number ≥ <paramref name="min"/>, <paramref name="defaultValue"/> when absent.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min = 1) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ParseInt(r, name, min) ?? defaultValue, // the value is unused once an error is added
    };

    /// <summary>A whole number ≥ <paramref name="min"/>, null when absent (the command decides).</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = 1) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = r => ParseInt(r, name, min),
    };

    /// <summary>A finite number &gt; 0, read with the invariant culture (a dot, whatever the locale).</summary>
    public static Option<float> PositiveFloat(string name, string description, float defaultValue, string helpName = "X") => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string text = SingleToken(r);
            if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && v > 0 && float.IsFinite(v))
                return v;
            r.AddError($"{name} needs a positive number, got '{text}'.");
            return defaultValue;
        },
    };

    /// <summary>A finite number ≥ 0, read with the invariant culture.</summary>
    public static Option<float> NonNegativeFloat(string name, string description, float defaultValue, string helpName = "X") => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string text = SingleToken(r);
            if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && v >= 0 && float.IsFinite(v))
                return v;
            r.AddError($"{name} needs a number ≥ 0, got '{text}'.");
            return defaultValue;
        },
    };

    public static Option<string?> Text(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName };

    /// <summary>A path that must name an existing file.</summary>
    public static Option<string?> ExistingFile(string name, string description, string helpName = "FILE")
    {
        var option = Text(name, description, helpName);
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && !File.Exists(path))
                r.AddError($"{name}: no file '{path}'.");
        });
        return option;
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>A positional path that must name an existing file, e.g. MODEL.</summary>
    public static Argument<string> ExistingFileArgument(string name, string description)
    {
        var argument = new Argument<string>(name) { Description = description };
        argument.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } path && !File.Exists(path))
                r.AddError($"no {name} file '{path}'.");
        });
        return argument;
    }

    /// <summary>A positional name from a fixed list; anything else is an error listing the list.</summary>
    public static Argument<string> OneOf(string name, string what, string description, IReadOnlyList<string> allowed)
    {
        var argument = new Argument<string>(name) { Description = $"{description}: {string.Join(", ", allowed)}" };
        argument.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } value && !allowed.Contains(value))
                r.AddError($"unknown {what} '{value}'; expected one of {string.Join(", ", allowed)}.");
        });
        return argument;
    }

    /// <summary>A command that only groups subcommands: run bare, it is a usage error naming them.</summary>
    public static void RequireSubcommand(Command command)
    {
        command.SetAction(p => Program.UsageError(p,
            $"{command.Name} needs a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}."));
    }

    /// <summary>An error when <paramref name="option"/> is given without <paramref name="needed"/>.</summary>
    public static void Requires(Command command, Option option, Option needed, string why)
    {
        command.Validators.Add(r =>
        {
            if (r.GetResult(option) is { Implicit: false } && r.GetResult(needed) is null or { Implicit: true })
                r.AddError($"{option.Name} needs {needed.Name} {why}.");
        });
    }

    private static int? ParseInt(ArgumentResult r, string name, int min)
    {
        string text = SingleToken(r);
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min)
            return v;
        r.AddError($"{name} needs a whole number ≥ {min}, got '{text}'.");
        return null;
    }

    // Options of a single value get exactly one token; the parser reports a missing value itself.
    private static string SingleToken(ArgumentResult r) => r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(' ', r.Tokens.Select(t => t.Value));
}
