using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GpuLstm.Models;

/// <summary>
/// Keras-style progress: on a terminal a bar per epoch redrawn in place; when output is redirected
/// (or verbose = 2) one plain line per epoch. verbose = 0 prints nothing.
/// </summary>
internal sealed class ProgressReporter(TextWriter output, int verbose, int stepsPerEpoch, int epochs)
{
    private const int BarWidth = 20;
    private readonly bool _bar = verbose == 1 && !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
    private readonly Stopwatch _clock = new();
    private long _lastDraw;

    public void EpochBegin(int epoch)
    {
        _clock.Restart();
        _lastDraw = 0;
        if (verbose > 0)
            output.WriteLine($"Epoch {epoch + 1}/{epochs}");
    }

    public void Step(int step, IReadOnlyDictionary<string, double> logs)
    {
        if (!_bar)
            return;
        long now = _clock.ElapsedMilliseconds;
        if (step < stepsPerEpoch && now - _lastDraw < 100)
            return; // redraw at most ten times a second
        _lastDraw = now;
        int filled = (int)((long)BarWidth * step / stepsPerEpoch);
        output.Write($"\r{step}/{stepsPerEpoch} {new string('━', filled)}{new string('─', BarWidth - filled)} {Timing(step)}{Format(logs)}");
    }

    public void EpochEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (verbose == 0)
            return;
        string line = $"{stepsPerEpoch}/{stepsPerEpoch} {(_bar ? new string('━', BarWidth) + " " : "")}{Timing(stepsPerEpoch)}{Format(logs)}";
        output.WriteLine(_bar ? "\r" + line : line);
    }

    public void Message(string text)
    {
        if (verbose > 0)
            output.WriteLine(_bar ? "\n" + text : text);
    }

    private string Timing(int steps)
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        double msPerStep = steps == 0 ? 0 : 1000 * seconds / steps;
        double stepsPerSecond = seconds == 0 ? 0 : steps / seconds;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds:F0}s {msPerStep:F0}ms/step ({stepsPerSecond:F1} steps/s)");
    }

    private static string Format(IReadOnlyDictionary<string, double> logs)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in logs)
            sb.Append(CultureInfo.InvariantCulture, $" - {key}: {value:F4}");
        return sb.ToString();
    }
}
