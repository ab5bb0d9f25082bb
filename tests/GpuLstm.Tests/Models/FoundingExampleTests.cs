using GpuLstm.Layers;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>The founding Keras example, written in C# with only using lines added, prints Keras 3's summary.</summary>
public sealed class FoundingExampleTests
{
    private const string KerasSummary = """
        Model: "sequential"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
        ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
        │ lstm (LSTM)                     │ (None, 128)            │        91,648 │
        ├─────────────────────────────────┼────────────────────────┼───────────────┤
        │ dense (Dense)                   │ (None, 1)              │           129 │
        └─────────────────────────────────┴────────────────────────┴───────────────┘
         Total params: 91,777 (358.50 KB)
         Trainable params: 91,777 (358.50 KB)
         Non-trainable params: 0 (0.00 B)

        """;

    [Fact]
    public void SummaryMatchesKeras()
    {
        var model = new Sequential();
        model.Add(new Lstm(128, inputShape: (10, 50)));   // 10 time steps, 50 features
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(optimizer: "adam", loss: "binary_crossentropy");
        var output = new StringWriter();
        model.Summary(output);
        Assert.Equal(KerasSummary.ReplaceLineEndings("\n"), output.ToString());
        model.Dispose();
    }

    [Fact]
    public void NamesAndCountsFollowKeras()
    {
        using var model = new Sequential("stack");
        model.Add(new Lstm(32, returnSequences: true, inputShape: (7, 3)));
        model.Add(new Dropout(0.2f));
        model.Add(new Lstm(16));
        model.Add(new Dense(8, activation: "relu"));
        model.Add(new Dense(2, useBias: false));
        Assert.Equal(new[] { "lstm", "dropout", "lstm_1", "dense", "dense_1" }, model.Layers.Select(l => l.Name));
        // Keras: LSTM 4*(u*(in+u)+u), Dense in*out(+out)
        Assert.Equal(new long[] { 4 * (32 * (3 + 32) + 32), 0, 4 * (16 * (32 + 16) + 16), 16 * 8 + 8, 8 * 2 },
            model.Layers.Select(l => l.ParameterCount));
        string text = model.SummaryText();
        Assert.Contains("│ lstm (LSTM)                     │ (None, 7, 32)          │         4,608 │", text);
        Assert.Contains("│ dropout (Dropout)               │ (None, 7, 32)          │             0 │", text);
        Assert.Contains(" Total params: 7,896 (30.84 KB)", text);
    }

    [Fact]
    public void WrongInputShapeForLstmNamesLayer()
    {
        using var model = new Sequential();
        model.Add(new Dense(4, inputShape: [5]));
        var e = Assert.Throws<ArgumentException>(() => model.Add(new Lstm(3)));
        Assert.Contains("lstm (LSTM)", e.Message);
        Assert.Contains("[4]", e.Message);
    }
}
