using System.Globalization;

namespace GpuLstm.Models.Callbacks;

/// <summary>
/// Keras CSVLogger: one row per epoch (epoch, then the logs by name, in the order of the first epoch)
/// written to <paramref name="path"/>; with <paramref name="append"/> an existing file is extended.
/// Each row is flushed at once, so a crash loses nothing finished.
/// </summary>
public sealed class CsvLogger(string path, char separator = ',', bool append = false) : Callback
{
    /// <summary>Writes output: rank 0 only in data-parallel Fit.</summary>
    public override bool RunsOnEveryRank => false;

    private string[]? _columns;

    public override void OnTrainBegin(Model model)
    {
        _columns = null;
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        if (!append)
            File.WriteAllText(path, "");
    }

    public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        bool header = _columns is null && (!append || !File.Exists(path) || new FileInfo(path).Length == 0);
        _columns ??= [.. logs.Keys];
        var missing = _columns.Where(c => !logs.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"CsvLogger: epoch {epoch} lacks {string.Join(", ", missing)}, which earlier epochs logged.");
        using var writer = File.AppendText(path);
        if (header)
            writer.WriteLine(string.Join(separator, new[] { "epoch" }.Concat(_columns)));
        writer.WriteLine(string.Join(separator, new[] { epoch.ToString(CultureInfo.InvariantCulture) }
            .Concat(_columns.Select(c => logs[c].ToString("R", CultureInfo.InvariantCulture)))));
    }
}
