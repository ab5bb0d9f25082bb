using System.CommandLine;
using System.Text.Json;
using GpuLstm.Cli.Parsing;
using GpuLstm.Device;
using GpuLstm.Models;
using GpuLstm.Samples;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm generate MODEL</c>: samples text from a character model written by `gpulstm example text`.</summary>
public static class GenerateCommand
{
    private const string Details = """
        Feeds the prompt to a character-level model saved by `gpulstm example text`
        (gpulstm-runs/text/char_lm.safetensors), then samples --length characters one at a time;
        lower temperatures (e.g. 0.5) are more conservative, 1.0 samples the model's own distribution,
        0 always takes the most likely character (greedy). Prompt characters the model never saw are an error.
        """;

    public static Command Create()
    {
        var model = CliOptions.ExistingFileArgument("MODEL", "a character model written by `gpulstm example text`");
        var prompt = new Option<string>("--prompt") { Description = "the text to start from", HelpName = "TEXT", DefaultValueFactory = _ => "Call me Ishmael. " };
        prompt.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { Length: 0 })
                r.AddError("--prompt must not be empty.");
        });
        var temperature = CliOptions.NonNegativeFloat("--temperature", "sampling temperature (0: greedy)", 0.8f, "T");
        var length = CliOptions.Int("--length", "characters to sample", 400);
        var seed = CliOptions.Int("--seed", "seed of the sampling", 0, min: 0);
        var command = new DetailedCommand("generate", "sample text from the character model written by `example text`", Details)
        {
            model, prompt, temperature, length, seed,
        };
        command.SetAction(p => Run(p.InvocationConfiguration.Output, p.GetValue(model)!, p.GetValue(prompt)!, p.GetValue(temperature),
            p.GetValue(length), p.GetValue(seed)));
        return command;
    }

    public static int Run(TextWriter output, string path, string prompt, float temperature, int length, int seed)
    {
        if (!Sequential.ReadMetadata(path).TryGetValue(TextExample.VocabularyKey, out string? json))
            throw new ArgumentException($"{path} is not a character model (no vocabulary in it); train one with `gpulstm example text`.");
        // Written by TextExample (Samples), not by the CLI: a plain JSON string.
        string vocabulary = JsonSerializer.Deserialize<string>(json) ?? throw new FormatException($"{path}: the vocabulary is null.");
        using var device = ComputeDevice.Create();
        using var model = Sequential.Load(path, device);
        output.WriteLine(TextExample.Generate(model, vocabulary, prompt, length, temperature, new Random(seed)));
        return 0;
    }
}
