namespace GpuLstm.Samples;

/// <summary>Multinomial naive Bayes over bags of words with add-one smoothing: the classic text baseline.</summary>
internal sealed class NaiveBayes
{
    private readonly Dictionary<string, double>[] _logLikelihood = [new(), new()];
    private readonly double[] _logPrior = new double[2];
    private readonly double[] _unknown = new double[2];

    public static NaiveBayes Train(IEnumerable<List<string>> documents, float[] labels)
    {
        var model = new NaiveBayes();
        var counts = new[] { new Dictionary<string, int>(), new Dictionary<string, int>() };
        var docs = new int[2];
        int i = 0;
        foreach (var doc in documents)
        {
            int c = labels[i++] > 0.5f ? 1 : 0;
            docs[c]++;
            foreach (var w in doc)
                counts[c][w] = counts[c].GetValueOrDefault(w) + 1;
        }
        var vocabulary = counts[0].Keys.Union(counts[1].Keys).ToList();
        for (int c = 0; c < 2; c++)
        {
            double total = counts[c].Values.Sum() + vocabulary.Count;
            model._logPrior[c] = Math.Log(docs[c] / (double)(docs[0] + docs[1]));
            model._unknown[c] = Math.Log(1 / total);
            foreach (var w in vocabulary)
                model._logLikelihood[c][w] = Math.Log((counts[c].GetValueOrDefault(w) + 1) / total);
        }
        return model;
    }

    /// <summary>1 for the class "1" (spam), 0 otherwise.</summary>
    public float Predict(List<string> words)
    {
        double s0 = _logPrior[0], s1 = _logPrior[1];
        foreach (var w in words)
        {
            s0 += _logLikelihood[0].GetValueOrDefault(w, _unknown[0]);
            s1 += _logLikelihood[1].GetValueOrDefault(w, _unknown[1]);
        }
        return s1 > s0 ? 1f : 0f;
    }
}
