using System.Text.Json;
using System.Text.Json.Serialization;
using GpuLstm.IO;

namespace GpuLstm.Cli.Json;

/// <summary>
/// The one set of JSON settings for everything `gpulstm` writes (bench, metrics.json, result.json,
/// model metadata): snake_case keys, dictionary keys included, so no file mixes key styles.
/// </summary>
public static class CliJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Reads a document written with <see cref="Options"/>; null or a malformed one is an error.</summary>
    public static T Deserialize<T>(string json, string what) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new FormatException($"{what} is empty (JSON null).");

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value) + "\n");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            // A diverged run's NaN losses are written as "NaN" rather than failing the whole report.
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
