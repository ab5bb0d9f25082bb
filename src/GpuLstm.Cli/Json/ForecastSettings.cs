namespace GpuLstm.Cli.Json;

/// <summary>
/// What `gpulstm predict` needs from a model `gpulstm train` wrote, stored as JSON in the model
/// file's metadata under <see cref="MetadataKey"/>.
/// </summary>
public sealed record ForecastSettings(int Window, double Scale, string Column, string Source)
{
    public const string MetadataKey = "gpulstm.forecast";
}
