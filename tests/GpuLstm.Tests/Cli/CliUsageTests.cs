using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Cli;

/// <summary>Parsing: usage errors exit 2 naming what was wrong, failures while running exit 1 on one line, help exits 0.</summary>
public sealed class CliUsageTests
{
    [Theory]
    [InlineData("--steps", "bench", "--steps", "0")]
    [InlineData("--warmup", "bench", "--warmup", "-1")]
    [InlineData("--epochs", "train", "--epochs", "many")]
    [InlineData("--lr", "train", "--lr", "0")]
    [InlineData("--nope", "train", "--nope")]
    [InlineData("--column", "train", "--column", "x")]
    [InlineData("--temperature", "generate", "model.safetensors", "--temperature", "-1")]
    public void UsageErrorExitsTwoNamingTheOption(string named, params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("gpulstm: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(run.ErrorLines, line => line.StartsWith("gpulstm: ", StringComparison.Ordinal) && line.Contains(named, StringComparison.Ordinal));
        Assert.Contains($"gpulstm {args[0]} --help", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void UnknownBenchShapeListsTheValidKeys()
    {
        var run = CliRun.Of("bench", "--shapes", "small,nope");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'nope'", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("small, large, xl, b8", run.ErrorLines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example", "nope", "text, chars, forecast, classify, digits, g2p")]
    [InlineData("data", "fetch", "mnist, spam, moby-dick, cmudict, all")]
    public void UnknownNameListsTheValidOnes(string command, string verbOrName, string listed)
    {
        var run = command == "data" ? CliRun.Of(command, verbOrName, "nope") : CliRun.Of(command, verbOrName);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(listed, run.ErrorLines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("data")]
    [InlineData("predict")]
    [InlineData("summary", "no-such-model.safetensors")]
    public void MissingOrAbsentArgumentsAreUsageErrors(params string[] args) => Assert.Equal(2, CliRun.Of(args).ExitCode);

    [Fact]
    public void FailureWhileRunningExitsOneWithOneLine()
    {
        using var dir = new TempDirectory();
        string notAModel = dir.File("not-a-model.safetensors");
        File.WriteAllText(notAModel, "this is not a safetensors file");
        var run = CliRun.Of("summary", notAModel);
        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("gpulstm: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal); // no stack trace
    }

    public static TheoryData<string[]> Commands() => new(
        [], ["train"], ["predict"], ["example"], ["generate"], ["summary"], ["devices"], ["kernels"], ["bench"], ["data"], ["data", "list"],
        ["data", "fetch"]);

    [Theory]
    [MemberData(nameof(Commands))]
    public void HelpOfEveryCommandExitsZero(string[] command)
    {
        foreach (string help in new[] { "--help", "-h" })
        {
            var run = CliRun.Of([.. command, help]);
            Assert.Equal(0, run.ExitCode);
            Assert.Empty(run.Error);
            Assert.Contains($"gpulstm {string.Join(' ', command)}".TrimEnd(), run.Output, StringComparison.Ordinal);
            Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RootHelpListsEveryCommandAndTheEnvironment()
    {
        var run = CliRun.Of("--help");
        foreach (string name in new[] { "train", "predict", "example", "generate", "summary", "devices", "kernels", "bench", "data" })
            Assert.Contains($"  {name} ", run.Output, StringComparison.Ordinal);
        Assert.Contains("GPULSTM_DEVICE", run.Output, StringComparison.Ordinal);
    }
}
