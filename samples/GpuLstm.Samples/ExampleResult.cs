namespace GpuLstm.Samples;

/// <summary>One reported figure of a task: the model's value beside its baseline's, and which is better.</summary>
public sealed record ExampleMetric(string Name, double Model, double Baseline, string BaselineName, bool HigherIsBetter)
{
    public bool BeatsBaseline => HigherIsBetter ? Model > Baseline : Model < Baseline;
}

/// <summary>What a task run reports: its headline metrics, the model it trained, time and device.</summary>
public sealed record ExampleResult(string Task, string Model, IReadOnlyList<ExampleMetric> Metrics, double Seconds,
    string Device, IReadOnlyDictionary<string, double> FirstAndLastLoss)
{
    public bool BeatsBaselines => Metrics.All(m => m.BeatsBaseline);
}
