using System.Globalization;

namespace GpuLstm.Cli.Commands;

/// <summary>A tiny --name value parser shared by the commands; unknown options are errors.</summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string?> _values = new();
    private readonly List<string> _positional = new();

    public CliArgs(string[] args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags, string command)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "--help" or "-h")
            {
                Help = true;
                continue;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                _positional.Add(a);
                continue;
            }
            if (flags.Contains(a))
                _values[a] = null;
            else if (valueOptions.Contains(a))
                _values[a] = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            else
                throw new ArgumentException($"unknown option '{a}'. Run `gpulstm {command} --help`.");
        }
    }

    public bool Help { get; }
    public IReadOnlyList<string> Positional => _positional;

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Text(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback, int min = 1) =>
        Text(name) is not { } t ? fallback
        : int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min ? v
        : throw new ArgumentException($"{name} needs a whole number ≥ {min}, got '{t}'.");

    public float Float(string name, float fallback) =>
        Text(name) is not { } t ? fallback
        : float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && v > 0 && float.IsFinite(v) ? v
        : throw new ArgumentException($"{name} needs a positive number, got '{t}'.");
}
