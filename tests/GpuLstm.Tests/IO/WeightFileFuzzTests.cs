using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using GpuLstm.IO;
using GpuLstm.Models;
using Xunit.Abstractions;

namespace GpuLstm.Tests.IO;

/// <summary>
/// Seeded mutations of a weights file (its bytes, and its JSON header's names, dtypes, shapes and
/// offsets) through SafeTensorsFile.Read and Model.LoadWeights: every failure is an
/// InvalidDataException naming the file, and a failed LoadWeights leaves every weight as it was;
/// a success loads exactly the tensors Read returns (all or nothing, never half).
/// </summary>
public sealed class WeightFileFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void MutatedWeightFilesFailCleanlyOrLoadCompletely()
    {
        using var saved = new SavedModelFiles();
        using var model = Model.Load(saved.SequentialPath, saved.Device);
        string weightsPath = saved.Directory.File("weights.safetensors");
        model.SaveWeights(weightsPath);
        byte[] original = File.ReadAllBytes(weightsPath);
        var before = model.GetWeights().Select(w => w.Data.ToArray()).ToArray();
        // SaveWeights writes the parameters in GetWeights order.
        var names = SafeTensorsFile.Read(weightsPath).Names.ToArray();
        Assert.Equal(before.Length, names.Length);

        var rng = new Random(35001);
        var clock = Stopwatch.StartNew();
        var seen = new Dictionary<string, int>();
        int cases = 0;
        for (; cases < 3000 && clock.Elapsed < TimeSpan.FromSeconds(30); cases++)
        {
            string path = saved.Directory.File($"weights-fuzz-{cases}.safetensors");
            File.WriteAllBytes(path, rng.Next(2) == 0 ? ByteMutation.Apply(original, rng) : MutateHeader(original, rng));
            string read = Outcome(path, () => SafeTensorsFile.Read(path));
            string load = Outcome(path, () => model.LoadWeights(path));
            var after = model.GetWeights();
            if (load == "ok")
            {
                var content = SafeTensorsFile.Read(path);
                for (int i = 0; i < after.Count; i++)
                    Assert.Equal(content[names[i]].Data, after[i].Data);
                model.SetWeights(before.Select((d, i) => new HostArray(d, after[i].Shape)).ToList());
            }
            else
            {
                for (int i = 0; i < after.Count; i++)
                    Assert.True(before[i].AsSpan().SequenceEqual(after[i].Data), $"case {cases}: a failed LoadWeights changed {names[i]}");
            }
            string key = $"Read {read}, LoadWeights {load}";
            seen[key] = seen.GetValueOrDefault(key) + 1;
            File.Delete(path);
        }
        output.WriteLine($"{cases} mutated weight files in {clock.Elapsed.TotalSeconds:F1} s: " +
            string.Join("; ", seen.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.True(cases >= 1000, $"only {cases} cases ran");
        Assert.Contains(seen.Keys, k => k.EndsWith("LoadWeights ok", StringComparison.Ordinal));
        Assert.Contains(seen.Keys, k => k.EndsWith("LoadWeights " + nameof(InvalidDataException), StringComparison.Ordinal));
    }

    /// <summary>"ok" or "InvalidDataException" (naming the file); any other exception fails the test.</summary>
    private static string Outcome(string path, Action action)
    {
        try
        {
            action();
            return "ok";
        }
        catch (InvalidDataException e)
        {
            Assert.True(e.Message.Contains(Path.GetFileName(path), StringComparison.Ordinal), $"message does not name the file: {e.Message}");
            return nameof(InvalidDataException);
        }
        catch (Exception e)
        {
            Assert.Fail($"{Path.GetFileName(path)}: {e.GetType().Name}: {e.Message}");
            throw;
        }
    }

    private static readonly JsonNode?[] Values = ["F16", "I64", "F32", "x", -1, 0, 3, 1 << 20, 1L << 40, 1.5, null, true];

    /// <summary>One change to one tensor's entry in the JSON header (name, dtype, a shape or offset value, or the entry's removal), with the length prefix kept right.</summary>
    private static byte[] MutateHeader(byte[] original, Random rng)
    {
        ulong length = BitConverter.ToUInt64(original, 0);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(original, 8, (int)length))!.AsObject();
        var tensors = header.Where(kv => kv.Key != "__metadata__").Select(kv => kv.Key).ToList();
        string name = tensors[rng.Next(tensors.Count)];
        var entry = header[name]!.AsObject();
        switch (rng.Next(5))
        {
            case 0:
                header.Remove(name);
                header[name + (rng.Next(2) == 0 ? "_x" : "")] = rng.Next(2) == 0 ? entry.DeepClone() : Values[rng.Next(Values.Length)]?.DeepClone();
                break;
            case 1:
                entry["dtype"] = Values[rng.Next(Values.Length)]?.DeepClone();
                break;
            case 2:
            case 3:
                var array = entry[rng.Next(2) == 0 ? "shape" : "data_offsets"]!.AsArray();
                if (array.Count > 0 && rng.Next(4) > 0)
                    array[rng.Next(array.Count)] = Values[rng.Next(Values.Length)]?.DeepClone();
                else
                    array.Add(rng.Next(5));
                break;
            default:
                header.Remove(name);
                break;
        }
        byte[] text = Encoding.UTF8.GetBytes(header.ToJsonString());
        var result = new byte[8 + text.Length + (original.Length - 8 - (int)length)];
        BitConverter.GetBytes((ulong)text.Length).CopyTo(result, 0);
        text.CopyTo(result, 8);
        original.AsSpan(8 + (int)length).CopyTo(result.AsSpan(8 + text.Length));
        return result;
    }
}
