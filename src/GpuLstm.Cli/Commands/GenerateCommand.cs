using System.Text.Json;
using GpuLstm.Device;
using GpuLstm.Samples;
using GpuLstm.Models;

namespace GpuLstm.Cli.Commands;

/// <summary><c>gpulstm generate MODEL</c>: samples text from a character model written by `gpulstm example text`.</summary>
public static class GenerateCommand
{
    private const string Usage = """
        Usage: gpulstm generate MODEL [--prompt TEXT] [--temperature T] [--length N] [--seed N]

        Feeds the prompt (default "Call me Ishmael. ") to a character-level model saved by
        `gpulstm example text` (gpulstm-runs/text/char_lm.safetensors), then samples N characters
        (default 400) one at a time; lower temperatures (e.g. 0.5) are more conservative, 1.0 samples
        the model's own distribution.
        """;

    public static int Run(string[] argv)
    {
        var args = new CliArgs(argv, ["--prompt", "--temperature", "--length", "--seed"], [], "generate");
        if (args.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args.Positional.Count != 1)
            throw new ArgumentException("generate needs one MODEL path. Run `gpulstm generate --help`.");
        string path = args.Positional[0];
        if (!File.Exists(path))
            throw new ArgumentException($"no model file '{path}'.");
        if (!Sequential.ReadMetadata(path).TryGetValue(TextExample.VocabularyKey, out string? json))
            throw new ArgumentException($"{path} is not a character model (no vocabulary in it); train one with `gpulstm example text`.");
        string vocabulary = JsonSerializer.Deserialize<string>(json)!;
        string prompt = args.Text("--prompt") ?? "Call me Ishmael. ";
        if (prompt.Length == 0)
            throw new ArgumentException("--prompt must not be empty.");
        using var device = ComputeDevice.Create();
        using var model = Sequential.Load(path, device);
        Console.WriteLine(TextExample.Generate(model, vocabulary, prompt, args.Int("--length", 400),
            args.Float("--temperature", 0.8f), new Random(args.Int("--seed", 0, 0))));
        return 0;
    }
}
