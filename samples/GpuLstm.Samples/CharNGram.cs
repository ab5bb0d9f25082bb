namespace GpuLstm.Samples;

/// <summary>
/// Character n-gram language model with interpolated Witten-Bell smoothing down to a uniform
/// distribution over the vocabulary: the honest baseline for a character-level LSTM.
/// </summary>
internal sealed class CharNGram
{
    private readonly int _order;
    private readonly int _vocabulary;
    private readonly Dictionary<string, Dictionary<char, int>> _next = new(); // context -> next char -> count

    public CharNGram(string text, int order, int vocabulary)
    {
        _order = order;
        _vocabulary = vocabulary;
        for (int i = 0; i < text.Length; i++)
            for (int k = 0; k < order && k <= i; k++)
            {
                string context = text.Substring(i - k, k);
                if (!_next.TryGetValue(context, out var counts))
                    _next[context] = counts = new Dictionary<char, int>();
                counts[text[i]] = counts.GetValueOrDefault(text[i]) + 1;
            }
    }

    /// <summary>Average bits per character of <paramref name="text"/> (each character predicted from the ones before it).</summary>
    public double BitsPerCharacter(string text)
    {
        double bits = 0;
        for (int i = 0; i < text.Length; i++)
            bits -= Math.Log2(Probability(text, i));
        return bits / text.Length;
    }

    private double Probability(string text, int i)
    {
        double p = 1.0 / _vocabulary;
        for (int k = 0; k < _order && k <= i; k++)
        {
            if (!_next.TryGetValue(text.Substring(i - k, k), out var counts))
                break; // longer contexts were never seen either
            double total = counts.Values.Sum(), types = counts.Count;
            p = (counts.GetValueOrDefault(text[i]) + types * p) / (total + types);
        }
        return p;
    }
}
