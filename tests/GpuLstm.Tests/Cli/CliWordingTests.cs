using System.Text.Json;
using GpuLstm.Cli.Commands;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Models;
using GpuLstm.Optimizers;
using GpuLstm.Samples;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Cli;

/// <summary>
/// What the CLI says must be true: `data fetch` tells downloads from cached copies, a --quick example
/// does not pass its numbers off as a verdict, and `generate` takes temperature 0 (greedy) and rejects
/// prompt characters the model never saw.
/// </summary>
public sealed class CliWordingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FetchSummarySaysWhatWasDownloadedAndWhatWasCached()
    {
        string none = DataCommand.FetchSummary(0, 4, "/c", 0.1);
        Assert.StartsWith("Nothing downloaded: all 4 data sets were cached and verified already in /c", none, StringComparison.Ordinal);
        Assert.DoesNotContain("Fetched", none, StringComparison.Ordinal);
        Assert.StartsWith("Downloaded 4 data sets into /c (", DataCommand.FetchSummary(4, 0, "/c", 2), StringComparison.Ordinal);
        Assert.StartsWith("Downloaded 1 data set into /c; 3 were cached", DataCommand.FetchSummary(1, 3, "/c", 2), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void QuickVerdictSaysTheNumbersMeanNothing(bool beats)
    {
        string quick = ExampleCommand.Verdict(beats, quick: true);
        Assert.Contains("say nothing about the model", quick, StringComparison.Ordinal);
        Assert.Contains("without --quick", quick, StringComparison.Ordinal);
        Assert.Equal(beats ? "Beats every baseline." : "Does NOT beat every baseline.", ExampleCommand.Verdict(beats, quick: false));
    }

    private const string Vocabulary = "\0 abc";

    private string CharacterModel()
    {
        string path = _dir.File("char_lm.safetensors");
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential("char_lm", device, seed: 3);
        model.Add(new Embedding(Vocabulary.Length, 4, inputLength: 3));
        model.Add(new Lstm(6, returnSequences: true));
        model.Add(new TimeDistributed(new Dense(Vocabulary.Length)));
        model.Compile(new Adam(0.01f), LossFunction.SparseCategoricalCrossentropy(fromLogits: true));
        model.Save(path, new Dictionary<string, string> { [TextExample.VocabularyKey] = JsonSerializer.Serialize(Vocabulary) });
        return path;
    }

    [Fact]
    public void TemperatureZeroIsGreedyWhateverTheSeed()
    {
        string model = CharacterModel();
        var first = CliRun.Of("generate", model, "--prompt", "abc", "--temperature", "0", "--length", "20", "--seed", "1");
        var second = CliRun.Of("generate", model, "--prompt", "abc", "--temperature", "0", "--length", "20", "--seed", "2");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(first.Output, second.Output);
        Assert.StartsWith("abc", first.Output, StringComparison.Ordinal);
        Assert.Equal(23, first.Output.TrimEnd('\n', '\r').Length);
        // Sampling at a high temperature does depend on the seed, so the equality above means something.
        var hot1 = CliRun.Of("generate", model, "--prompt", "abc", "--temperature", "5", "--length", "40", "--seed", "1");
        var hot2 = CliRun.Of("generate", model, "--prompt", "abc", "--temperature", "5", "--length", "40", "--seed", "2");
        Assert.NotEqual(hot1.Output, hot2.Output);
    }

    [Fact]
    public void PromptCharactersOutsideTheVocabularyAreListed()
    {
        var run = CliRun.Of("generate", CharacterModel(), "--prompt", "abZ\tqZ");
        CliFailureTests.AssertFailedOnOneLine(run);
        Assert.Contains("3 character(s) the model's vocabulary lacks: 'Z' U+0009 'q'", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }
}
