using System.Diagnostics;
using System.Text.Json.Nodes;
using GpuLstm.Models;
using Xunit.Abstractions;

namespace GpuLstm.Tests.IO;

/// <summary>
/// Seeded mutations of a saved Sequential and a saved functional model (the architecture record's values and
/// keys, and the file's bytes): every failure is an InvalidDataException naming the file; every success is a
/// complete model that saves and reloads to the same predictions.
/// </summary>
public sealed class ModelFileFuzzTests(ITestOutputHelper output)
{
    private const int CasesPerModel = 1500;

    [Fact]
    public void MutatedModelFilesFailCleanlyOrLoadCompletely()
    {
        using var saved = new SavedModelFiles();
        var clock = Stopwatch.StartNew();
        var seen = new Dictionary<string, int>();
        int cases = 0, loaded = 0;
        var rng = new Random(20240610);
        foreach (bool functional in new[] { false, true })
        {
            string source = functional ? saved.FunctionalPath : saved.SequentialPath;
            byte[] original = File.ReadAllBytes(source);
            for (int i = 0; i < CasesPerModel && clock.Elapsed < TimeSpan.FromSeconds(40); i++, cases++)
            {
                string target = saved.Directory.File($"fuzz-{cases}.safetensors");
                if (rng.Next(4) == 0)
                    File.WriteAllBytes(target, ByteMutation.Apply(original, rng));
                else
                    SavedModelFiles.Rewrite(source, target, r => MutateRecord(r, rng));
                string outcome = Outcome(saved, target, functional);
                seen[outcome] = seen.GetValueOrDefault(outcome) + 1;
                if (outcome == "loaded")
                    loaded++;
                File.Delete(target);
            }
        }
        output.WriteLine($"{cases} mutated model files in {clock.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", seen.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.True(cases >= 1000, $"only {cases} cases ran");
        Assert.True(loaded > 0 && seen.GetValueOrDefault(nameof(InvalidDataException)) > 0, "the mutations should both load and fail");
    }

    /// <summary>"loaded" or the exception type; anything but InvalidDataException naming the file fails the test.</summary>
    private static string Outcome(SavedModelFiles saved, string path, bool functional)
    {
        Model model;
        try
        {
            model = Model.Load(path, saved.Device);
        }
        catch (InvalidDataException e)
        {
            Assert.True(e.Message.Contains(Path.GetFileName(path), StringComparison.Ordinal), $"message does not name the file: {e.Message}");
            return nameof(InvalidDataException);
        }
        catch (Exception e)
        {
            Assert.Fail($"{Path.GetFileName(path)}: {e.GetType().Name}: {e.Message}\n{SavedModelFiles.Record(path).ToJsonString()}");
            throw;
        }
        using (model)
        {
            // A complete model: it predicts, and saves and reloads to the same predictions (no half-restored state).
            float[] Predict(Model m) => functional ? m.Predict([saved.SequenceX, saved.SideX])[0].Data : m.Predict(saved.SequenceX).Data;
            float[] prediction;
            try
            {
                prediction = Predict(model);
            }
            catch (ArgumentException)
            {
                return "loaded"; // a legitimately different valid model (other input shape, say) that these inputs do not fit
            }
            string again = path + ".again";
            model.Save(again);
            using var reloaded = Model.Load(again, saved.Device);
            Assert.Equal(prediction, Predict(reloaded));
            File.Delete(again);
            return "loaded";
        }
    }

    private static readonly JsonNode?[] Replacements =
        ["x", "LSTMX", true, false, 0, -1, 1.5, 5000, 1e9, 1e39, -1e39, 2147483648, 1L << 40, null];

    /// <summary>One mutation of one value in the record: another type, a huge or negative number, a deleted key or item, a renamed class.</summary>
    private static void MutateRecord(JsonObject record, Random rng)
    {
        var slots = new List<(JsonNode Parent, object Key)>();
        void Collect(JsonNode? node)
        {
            if (node is JsonObject o)
                foreach (var (k, v) in o) { slots.Add((o, k)); Collect(v); }
            else if (node is JsonArray a)
                for (int i = 0; i < a.Count; i++) { slots.Add((a, i)); Collect(a[i]); }
        }
        Collect(record);
        var (parent, key) = slots[rng.Next(slots.Count)];
        JsonNode? current = parent is JsonObject po ? po[(string)key] : ((JsonArray)parent)[(int)key];
        int op = rng.Next(6);
        if (op == 0) // delete the key or item
        {
            if (parent is JsonObject o) o.Remove((string)key);
            else ((JsonArray)parent).RemoveAt((int)key);
            return;
        }
        JsonNode? replacement = op switch
        {
            1 when current is JsonValue v && v.TryGetValue(out double d) => JsonValue.Create(d * (rng.Next(2) == 0 ? -1 : 1000)),
            2 when current is JsonValue v && v.TryGetValue(out long n) => JsonValue.Create(n + rng.Next(-2, 3)),
            3 => new JsonArray(),
            _ => Replacements[rng.Next(Replacements.Length)]?.DeepClone(),
        };
        if (parent is JsonObject obj) obj[(string)key] = replacement;
        else ((JsonArray)parent)[(int)key] = replacement;
    }
}
