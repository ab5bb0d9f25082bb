namespace GpuLstm.Models.Callbacks;

/// <summary>
/// Saves the model (or only its weights) after an epoch, optionally only when the monitored value
/// improved. Files are written atomically, so an interrupted or diverged run leaves the last good one intact.
/// </summary>
public sealed class ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, bool saveWeightsOnly = false)
    : Callback
{
    /// <summary>Writes output: rank 0 only in data-parallel Fit.</summary>
    public override bool RunsOnEveryRank => false;

    private readonly Improvement _improvement = new(monitor, 0);

    public string Path { get; } = path;
    public string Monitor { get; } = monitor;
    public int SavedCount { get; private set; }

    public override void OnTrainBegin(Model model) => _improvement.Reset();

    public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (saveBestOnly && !_improvement.Update(Monitored(logs, Monitor, nameof(ModelCheckpoint))))
            return;
        string file = Path.Replace("{epoch}", (epoch + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (saveWeightsOnly)
            model.SaveWeights(file);
        else
            model.Save(file);
        SavedCount++;
    }
}
