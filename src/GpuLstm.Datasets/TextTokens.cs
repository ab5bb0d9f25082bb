namespace GpuLstm.Datasets;

/// <summary>Word tokens, a frequency-ranked vocabulary and padded id sequences for text models.</summary>
public static class TextTokens
{
    /// <summary>Lower-cased runs of letters and digits (2 to 24 characters long).</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
                start = i;
            else if (!inWord && start >= 0)
            {
                int length = i - start;
                if (length is >= 2 and <= 24)
                    words.Add(text.Substring(start, length).ToLowerInvariant());
                start = -1;
            }
        }
        return words;
    }

    /// <summary>The most frequent words (ties broken by the word itself), mapped to ids 2, 3, ...</summary>
    public static Dictionary<string, int> Vocabulary(IEnumerable<List<string>> documents, int size)
    {
        var counts = new Dictionary<string, int>();
        foreach (var doc in documents)
            foreach (var w in doc)
                counts[w] = counts.GetValueOrDefault(w) + 1;
        return counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(size)
            .Select((kv, i) => (kv.Key, Id: i + 2)).ToDictionary(x => x.Key, x => x.Id);
    }

    /// <summary>The first <paramref name="length"/> ids (1 for unknown words), padded with 0 at the end.</summary>
    public static float[] Encode(List<string> words, Dictionary<string, int> vocabulary, int length)
    {
        var ids = new float[length];
        for (int i = 0; i < Math.Min(length, words.Count); i++)
            ids[i] = vocabulary.GetValueOrDefault(words[i], 1);
        return ids;
    }
}
