using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;

namespace GpuLstm.Samples;

/// <summary>Greedy and beam-search decoding for <see cref="G2pExample"/>'s encoder–decoder, one decoder step at a time.</summary>
internal sealed class Decoder(ComputeDevice device, Tape tape, Embedding letters, Lstm encoder, Embedding phonemes,
    Lstm decoder, Dense output, Random random)
{
    private const int Pad = 0, Bos = 1, Eos = 2, MaxSteps = 16;

    /// <summary>The most likely phoneme at every step until &lt;/s&gt;, for a batch of words.</summary>
    public List<int[]> Greedy(IReadOnlyList<string> words)
    {
        tape.Reset();
        using (tape.NoGrad())
        {
            var context = new LayerContext(tape, training: false, random);
            var (h, c) = G2pExample.Encode(context, letters, encoder, words);
            var tokens = Enumerable.Repeat((float)Bos, words.Count).ToArray();
            var result = words.Select(_ => new List<int>()).ToList();
            var done = new bool[words.Count];
            for (int t = 0; t < MaxSteps && done.Contains(false); t++)
            {
                var (logits, nextH, nextC) = Step(context, tokens, h, c);
                (h, c) = (nextH, nextC);
                int classes = logits.Length / words.Count;
                for (int w = 0; w < words.Count; w++)
                {
                    int best = ArgMax(logits.AsSpan(w * classes, classes));
                    tokens[w] = best;
                    if (done[w] || best is Eos or Pad)
                        done[w] = true;
                    else
                        result[w].Add(best);
                }
            }
            tape.Reset();
            return result.Select(r => r.ToArray()).ToList();
        }
    }

    private sealed record Hypothesis(int[] Tokens, double LogProbability, float[] H, float[] C, bool Done);

    /// <summary>Beam search: keeps the <paramref name="width"/> most probable prefixes at every step.</summary>
    public int[] Beam(string word, int width)
    {
        tape.Reset();
        using (tape.NoGrad())
        {
            var context = new LayerContext(tape, training: false, random);
            var (h, c) = G2pExample.Encode(context, letters, encoder, [word]);
            var beams = new List<Hypothesis> { new([], 0, h.ToArray(), c.ToArray(), false) };
            int units = decoder.Units;
            for (int t = 0; t < MaxSteps && beams.Any(b => !b.Done); t++)
            {
                var alive = beams.Where(b => !b.Done).ToList();
                var tokens = alive.Select(b => b.Tokens.Length == 0 ? Bos : (float)b.Tokens[^1]).ToArray();
                var h0 = tape.Own(Tensor.FromArray(device, alive.SelectMany(b => b.H).ToArray(), [alive.Count, units]));
                var c0 = tape.Own(Tensor.FromArray(device, alive.SelectMany(b => b.C).ToArray(), [alive.Count, units]));
                var (logits, nextH, nextC) = Step(context, tokens, h0, c0);
                float[] hs = nextH.ToArray(), cs = nextC.ToArray();
                int classes = logits.Length / alive.Count;
                var candidates = beams.Where(b => b.Done).ToList();
                for (int i = 0; i < alive.Count; i++)
                {
                    var logProbabilities = Log(logits.AsSpan(i * classes, classes));
                    float[] hi = hs[(i * units)..((i + 1) * units)], ci = cs[(i * units)..((i + 1) * units)];
                    for (int p = Eos; p < classes; p++)
                    {
                        double score = alive[i].LogProbability + logProbabilities[p];
                        candidates.Add(p == Eos
                            ? alive[i] with { LogProbability = score, Done = true }
                            : new Hypothesis([.. alive[i].Tokens, p], score, hi, ci, false));
                    }
                }
                beams = candidates.OrderByDescending(b => b.LogProbability).Take(width).ToList();
                tape.Reset();
            }
            return beams.OrderByDescending(b => b.LogProbability).First().Tokens;
        }
    }

    private (float[] Probabilities, Tensor H, Tensor C) Step(LayerContext context, float[] tokens, Tensor h, Tensor c)
    {
        var x = tape.Own(Tensor.FromArray(device, tokens, [tokens.Length, 1]));
        var r = decoder.Call(context, phonemes.ForwardOn(context, x), h, c);
        return (output.ForwardOn(context, r.Output).ToArray(), r.FinalHidden, r.FinalCell);
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int k = 1; k < v.Length; k++)
            if (v[k] > v[best])
                best = k;
        return best;
    }

    /// <summary>Log-probabilities from the softmax output (floored so a zero cannot give -infinity).</summary>
    private static double[] Log(ReadOnlySpan<float> probabilities)
    {
        var result = new double[probabilities.Length];
        for (int k = 0; k < probabilities.Length; k++)
            result[k] = Math.Log(Math.Max(probabilities[k], 1e-30));
        return result;
    }
}
