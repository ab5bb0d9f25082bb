namespace GpuLstm.Device;

/// <summary>Parses GPULSTM_RECURRENCE.</summary>
public static class RecurrenceModeChoice
{
    public const string EnvironmentVariable = "GPULSTM_RECURRENCE";

    public const string Valid = "auto, gemm, stepwise, persistent";

    public static RecurrenceMode Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "" or "auto" => RecurrenceMode.Auto,
        "gemm" => RecurrenceMode.Gemm,
        "stepwise" => RecurrenceMode.Stepwise,
        "persistent" => RecurrenceMode.Persistent,
        _ => throw new ArgumentException($"{EnvironmentVariable}='{text}' is not a recurrence mode; expected {Valid}."),
    };

    /// <summary>The GPULSTM_RECURRENCE name of a mode (auto, gemm, stepwise, persistent).</summary>
    public static string Name(RecurrenceMode mode) => mode.ToString().ToLowerInvariant();

    public static RecurrenceMode FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { } text ? Parse(text) : RecurrenceMode.Auto;
}
