namespace GpuLstm.Samples;

/// <summary>
/// The baselines of <see cref="CharsExample"/>, counted on the training text: the unigram guess (always
/// the most frequent character) and the bigram guess (the most frequent successor of the previous
/// character), plus the bigram's add-one-smoothed cross-entropy.
/// </summary>
internal sealed class CharBigram
{
    private readonly int[,] _counts; // [previous, next]
    private readonly int[] _best;    // most frequent successor of each character
    private readonly int _vocabulary;

    public CharBigram(IReadOnlyList<int> ids, int vocabulary)
    {
        _vocabulary = vocabulary;
        _counts = new int[vocabulary, vocabulary];
        var unigram = new int[vocabulary];
        for (int i = 0; i < ids.Count; i++)
        {
            unigram[ids[i]]++;
            if (i > 0)
                _counts[ids[i - 1], ids[i]]++;
        }
        MostFrequent = ArgMax(unigram);
        _best = Enumerable.Range(0, vocabulary)
            .Select(p => ArgMax(Enumerable.Range(0, vocabulary).Select(n => _counts[p, n]).ToArray())).ToArray();
    }

    /// <summary>The unigram guess.</summary>
    public int MostFrequent { get; }

    /// <summary>The bigram guess after <paramref name="previous"/>.</summary>
    public int Next(int previous) => _best[previous];

    /// <summary>-log p(next | previous), add-one smoothed, in nats.</summary>
    public double Loss(int previous, int next)
    {
        double total = 0;
        for (int n = 0; n < _vocabulary; n++)
            total += _counts[previous, n];
        return -Math.Log((_counts[previous, next] + 1) / (total + _vocabulary));
    }

    private static int ArgMax(int[] values) => Array.IndexOf(values, values.Max());
}
