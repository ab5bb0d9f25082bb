using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GpuLstm.Models.Callbacks;

/// <summary>
/// Keras' ProgbarLogger: with verbose 1 on a terminal, a bar per epoch redrawn in place; when the
/// output is redirected, or with verbose 2, one plain line per epoch. Fit adds one when verbose is
/// not 0 and the callbacks hold none; pass your own to write elsewhere.
/// </summary>
/// <param name="output">Where to write; null: standard output.</param>
/// <param name="verbose">null: Fit's verbose.</param>
public sealed class ProgbarLogger(TextWriter? output = null, int? verbose = null) : Callback
{
    /// <summary>Writes output: rank 0 only in data-parallel Fit.</summary>
    public override bool RunsOnEveryRank => false;

    private const int BarWidth = 20;
    private readonly TextWriter _output = output ?? Console.Out;
    private readonly Stopwatch _clock = new();
    private long _lastDraw;

    private int Verbose => verbose ?? Params?.Verbose ?? 1;
    private int Steps => Params?.Steps ?? 0;
    private bool Bar => Verbose == 1 && !Console.IsOutputRedirected && ReferenceEquals(_output, Console.Out);

    public override void OnEpochBegin(Model model, int epoch)
    {
        _clock.Restart();
        _lastDraw = 0;
        if (Verbose > 0)
            _output.WriteLine($"Epoch {epoch + 1}/{Params?.Epochs}");
    }

    public override void OnBatchEnd(Model model, int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (!Bar)
            return;
        int step = batch + 1;
        long now = _clock.ElapsedMilliseconds;
        if (step < Steps && now - _lastDraw < 100)
            return; // redraw at most ten times a second
        _lastDraw = now;
        int filled = Steps == 0 ? BarWidth : (int)((long)BarWidth * step / Steps);
        _output.Write($"\r{step}/{Steps} {new string('━', filled)}{new string('─', BarWidth - filled)} {Timing(step)}{Format(logs)}");
    }

    public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (Verbose == 0)
            return;
        string line = $"{Steps}/{Steps} {(Bar ? new string('━', BarWidth) + " " : "")}{Timing(Steps)}{Format(logs.Where(l => l.Key != "learning_rate"))}";
        _output.WriteLine(Bar ? "\r" + line : line);
    }

    public override void OnTrainEnd(Model model)
    {
        if (Verbose > 0 && model.History?.StopReason is { } reason)
            _output.WriteLine(Bar ? $"\nFit: {reason}." : $"Fit: {reason}.");
    }

    private string Timing(int steps)
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        double msPerStep = steps == 0 ? 0 : 1000 * seconds / steps;
        double stepsPerSecond = seconds == 0 ? 0 : steps / seconds;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds:F0}s {msPerStep:F0}ms/step ({stepsPerSecond:F1} steps/s)");
    }

    private static string Format(IEnumerable<KeyValuePair<string, double>> logs)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in logs)
            sb.Append(CultureInfo.InvariantCulture, $" - {key}: {value:F4}");
        return sb.ToString();
    }
}
