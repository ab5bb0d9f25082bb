using System.Diagnostics;
using GpuLstm.Datasets;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>
/// Character-level text generation the way the Keras docs write it (keras.io "Character-level text
/// generation with LSTM"): the lowercased text of Moby Dick (`gpulstm data fetch moby-dick`) cut into
/// 40-character windows (Keras takes one every 3 characters; here a fixed number spread over the whole
/// training text, which keeps the one-hot arrays small), one-hot encoded, LSTM(128) → Dense(vocabulary, softmax),
/// categorical cross-entropy with RMSprop(0.01), then text sampled at several temperatures. The last 10
/// chapters are held out: reports next-character accuracy there beside the unigram and bigram guesses,
/// and the held-out loss beside the smoothed bigram's. (The "text" task is the stateful, embedding,
/// logits-and-5-gram version; this one is the textbook one.)
/// </summary>
public sealed class CharsExample : IExample
{
    private const int MaxLen = 40, HeldOutChapters = 10;

    public string Name => "chars";
    public string Description => "Keras-docs char model on Moby Dick (one-hot, LSTM → softmax); held-out accuracy vs bigram, sampling";

    public ExampleResult Run(ExampleOptions options)
    {
        var clock = Stopwatch.StartNew();
        var book = MobyDick.FromCatalog();
        string text = book.Text.ToLowerInvariant().Replace('\n', ' ');
        string chars = new(text.Distinct().Order().ToArray()); // the vocabulary, as Keras's sorted(set(text))
        var index = chars.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var ids = text.Select(c => index[c]).ToArray();
        int split = book.Chapters[^HeldOutChapters].Start;
        int trainWindows = options.Quick ? 1_500 : 30_000, testWindows = options.Quick ? 300 : 4_000;
        int step = Math.Max(3, (split - MaxLen - 1) / trainWindows);
        var trainStarts = Enumerable.Range(0, trainWindows).Select(i => i * step).Where(s => s + MaxLen < split).ToArray();
        var testStarts = Enumerable.Range(0, testWindows).Select(i => split + i * 7).Where(s => s + MaxLen < ids.Length).ToArray();
        var (xTrain, yTrain) = OneHot(ids, trainStarts, chars.Length);
        var (xTest, yTest) = OneHot(ids, testStarts, chars.Length);

        int units = options.Quick ? 64 : 128;
        using var model = new Sequential("chars", options.Device, options.Seed);
        model.Add(new Lstm(units, inputShape: (MaxLen, chars.Length)));
        model.Add(new Dense(chars.Length, activation: "softmax"));
        model.Compile(new RmsProp(learningRate: 0.01f), LossFunction.CategoricalCrossentropy(), ["accuracy"]);
        var random = new Random(options.Seed);
        string seed = text.Substring(trainStarts[random.Next(trainStarts.Length)], MaxLen);
        var sampler = new EpochSample(chars, seed, options.Quick ? 20 : 80, options.Log, options.Seed);
        model.Distribute(options.Communicator); // null: one process
        var history = model.Fit(xTrain, yTrain, batchSize: 128, epochs: options.Quick ? 8 : 10, verbose: options.Verbose,
            output: options.Log, callbacks: [sampler]);

        var probabilities = ExampleFiles.SaveLoadPredict(model, xTest, Path.Combine(options.OutputDirectory, "chars.safetensors"), options.Device);
        double heldOutLoss = model.Evaluate(xTest, yTest, batchSize: 128)["loss"];
        var bigram = new CharBigram(ids[..split], chars.Length);
        int n = testStarts.Length, right = 0, rightUnigram = 0, rightBigram = 0;
        double bigramLoss = 0;
        for (int i = 0; i < n; i++)
        {
            int next = ids[testStarts[i] + MaxLen], previous = ids[testStarts[i] + MaxLen - 1];
            var row = probabilities[(i * chars.Length)..((i + 1) * chars.Length)]; // [V]
            right += Array.IndexOf(row, row.Max()) == next ? 1 : 0;
            rightUnigram += bigram.MostFrequent == next ? 1 : 0;
            rightBigram += bigram.Next(previous) == next ? 1 : 0;
            bigramLoss += bigram.Loss(previous, next);
        }
        foreach (double temperature in new[] { 0.2, 0.5, 1.0, 1.2 })
            options.Log.WriteLine($"temperature {temperature:F1}: \"{seed}\" + \"{Generate(model, chars, seed, options.Quick ? 40 : 200, temperature, random)}\"");

        double accuracy = right / (double)n;
        options.Log.WriteLine($"final training loss {history["loss"][^1]:F4}; held-out loss {heldOutLoss:F4}, accuracy {accuracy:P1} ({n} windows)");
        return new ExampleResult(Name, $"LSTM({units}) over one-hot [{MaxLen}, {chars.Length}] → Dense({chars.Length}, softmax)",
        [
            new ExampleMetric($"held-out next-char accuracy ({n})", accuracy, rightBigram / (double)n, "bigram (most frequent successor)", true),
            new ExampleMetric("held-out next-char accuracy", accuracy, rightUnigram / (double)n, $"unigram (always '{chars[bigram.MostFrequent]}')", true),
            new ExampleMetric("held-out loss (nats/char)", heldOutLoss, bigramLoss / n, "bigram, add-one smoothed", false),
        ], clock.Elapsed.TotalSeconds, options.Device.ToString(),
            new Dictionary<string, double> { ["first"] = history["loss"][0], ["last"] = history["loss"][^1] });
    }

    /// <summary>Windows [N, MaxLen, V] one-hot and their next characters [N, V] one-hot (Keras's x and y).</summary>
    private static (HostArray X, HostArray Y) OneHot(int[] ids, int[] starts, int vocabulary)
    {
        var x = new float[starts.Length * MaxLen * vocabulary]; // [N, MaxLen, V]
        var y = new float[starts.Length * vocabulary];          // [N, V]
        for (int i = 0; i < starts.Length; i++)
        {
            for (int t = 0; t < MaxLen; t++)
                x[(i * MaxLen + t) * vocabulary + ids[starts[i] + t]] = 1f;
            y[i * vocabulary + ids[starts[i] + MaxLen]] = 1f;
        }
        return (new HostArray(x, starts.Length, MaxLen, vocabulary), new HostArray(y, starts.Length, vocabulary));
    }

    /// <summary>Extends the seed one sampled character at a time, each from the last MaxLen characters (Keras's loop).</summary>
    public static string Generate(Sequential model, string chars, string seed, int length, double temperature, Random random)
    {
        var window = seed.ToCharArray();
        var generated = new System.Text.StringBuilder();
        var x = new float[MaxLen * chars.Length]; // [1, MaxLen, V]
        for (int n = 0; n < length; n++)
        {
            Array.Clear(x);
            for (int t = 0; t < MaxLen; t++)
                x[t * chars.Length + chars.IndexOf(window[window.Length - MaxLen + t], StringComparison.Ordinal)] = 1f;
            var probabilities = model.Predict(new HostArray(x, 1, MaxLen, chars.Length), batchSize: 1).Data;
            char next = chars[Sample(probabilities, temperature, random)];
            generated.Append(next);
            window = [.. window[1..], next];
        }
        return generated.ToString();
    }

    /// <summary>Keras's sample(): reweights the softmax output by p^(1/temperature) and draws from it.</summary>
    private static int Sample(float[] probabilities, double temperature, Random random)
    {
        var weights = probabilities.Select(p => Math.Exp(Math.Log(Math.Max(p, 1e-12)) / temperature)).ToArray();
        double u = random.NextDouble() * weights.Sum();
        for (int k = 0; k < weights.Length; k++)
            if ((u -= weights[k]) <= 0)
                return k;
        return weights.Length - 1;
    }

    /// <summary>Prints a short sample after every epoch, as the Keras example's callback does.</summary>
    private sealed class EpochSample(string chars, string seed, int length, TextWriter log, int randomSeed) : Callback
    {
        private readonly Random _random = new(randomSeed + 1);

        public override void OnEpochEnd(Model model, int epoch, IReadOnlyDictionary<string, double> logs)
        {
            string sample = Generate((Sequential)model, chars, seed, length, 0.5, _random);
            log.WriteLine($"epoch {epoch + 1}: loss {logs["loss"]:F4}; sample (temperature 0.5): \"{seed}\" + \"{sample}\"");
        }
    }
}
