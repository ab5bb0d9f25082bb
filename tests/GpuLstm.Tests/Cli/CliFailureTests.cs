using System.Text.RegularExpressions;

namespace GpuLstm.Tests.Cli;

/// <summary>
/// Every command that can fail while running does so with exit code 1 and one line
/// `gpulstm: what`, never a stack trace, whatever file or folder it was given.
/// </summary>
public sealed partial class CliFailureTests(BadModelFiles files) : IClassFixture<BadModelFiles>
{
    [GeneratedRegex(@"\bat [\w.`]+\(")]
    private static partial Regex StackFrame();

    public static TheoryData<string, string> CommandsOnBadFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (string command in new[] { "summary", "predict", "generate" })
        {
            foreach (string name in BadModelFiles.Names)
                data.Add(command, name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandsOnBadFiles))]
    public void ModelCommandsRejectABrokenFileOnOneLine(string command, string file)
    {
        string path = files.File(file);
        var run = CliRun.Of(command, path);
        AssertFailedOnOneLine(run);
        Assert.Contains(Path.GetFileName(path), run.Error, StringComparison.Ordinal); // names the file
    }

    [Fact]
    public void TheIntactModelWorksWithEachCommandThatTakesIt()
    {
        Assert.Equal(0, CliRun.Of("summary", files.Model).ExitCode);
        Assert.Equal(0, CliRun.Of("predict", files.Model, "--steps", "1").ExitCode);
        var generate = CliRun.Of("generate", files.Model); // a forecaster, not a character model
        AssertFailedOnOneLine(generate);
        Assert.Contains("not a character model", generate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleIntoAFileInsteadOfAFolderFailsBeforeItsHeader()
    {
        string notAFolder = Path.Combine(files.Folder, "text.safetensors");
        var run = CliRun.Of("example", "forecast", "--quick", "--quiet", "--out", notAFolder);
        AssertFailedOnOneLine(run);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void BenchJsonUnderAFileFails()
    {
        string path = Path.Combine(files.Folder, "text.safetensors", "bench.json");
        AssertFailedOnOneLine(CliRun.Of("bench", "--shapes", "small", "--steps", "1", "--warmup", "0", "--json", path));
    }

    [Fact]
    public void KernelsIntoAFileFails()
    {
        var run = CliRun.Of("kernels", "--out", Path.Combine(files.Folder, "text.safetensors"));
        AssertFailedOnOneLine(run);
        Assert.Contains("cannot write to", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainIntoAFileFails() =>
        AssertFailedOnOneLine(CliRun.Of("train", "--epochs", "1", "--quiet", "--out", Path.Combine(files.Folder, "text.safetensors")));

    [Theory]
    [InlineData("example", "forecast", "--seed", "abc")]
    [InlineData("example", "forecast", "--quick", "--seed", "-1")]
    [InlineData("train", "--window", "5")]
    [InlineData("generate", "x.safetensors", "--temperature", "hot")]
    public void UsageErrorsComeBeforeAnyOutput(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.StartsWith("gpulstm: ", run.Error, StringComparison.Ordinal);
    }

    internal static void AssertFailedOnOneLine(CliRun run)
    {
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Error}");
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("gpulstm: ", line, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), line);
        Assert.DoesNotContain("(Parameter '", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal); // a user's error, not a bug's type name
    }
}
