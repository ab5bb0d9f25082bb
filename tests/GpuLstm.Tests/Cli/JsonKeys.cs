using System.Text.Json;
using System.Text.RegularExpressions;

namespace GpuLstm.Tests.Cli;

/// <summary>Every object key of a JSON document, at any depth, for naming-policy checks.</summary>
public static partial class JsonKeys
{
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    public static List<string> All(JsonElement element)
    {
        var keys = new List<string>();
        Collect(element, keys);
        return keys;
    }

    /// <summary>Fails naming the first key that is not lower snake_case.</summary>
    public static void AssertSnakeCase(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var keys = All(doc.RootElement);
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Matches(SnakeCase(), k));
    }

    private static void Collect(JsonElement element, List<string> keys)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                keys.Add(property.Name);
                Collect(property.Value, keys);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                Collect(item, keys);
        }
    }
}
