using GpuLstm.Layers;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>GRU and SimpleRNN models print Keras 3's summary: names, output shapes and parameter counts.</summary>
public sealed class GruSummaryTests
{
    // Keras 3: GRU 3u(I + u + 2) with reset_after (two bias rows), Bidirectional twice its layer.
    private const string KerasSummary = """
        Model: "sequential"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
        ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
        │ gru (GRU)                       │ (None, 10, 64)         │        14,208 │
        ├─────────────────────────────────┼────────────────────────┼───────────────┤
        │ bidirectional (Bidirectional)   │ (None, 32)             │         7,872 │
        ├─────────────────────────────────┼────────────────────────┼───────────────┤
        │ dense (Dense)                   │ (None, 1)              │            33 │
        └─────────────────────────────────┴────────────────────────┴───────────────┘
         Total params: 22,113 (86.38 KB)
         Trainable params: 22,113 (86.38 KB)
         Non-trainable params: 0 (0.00 B)

        """;

    [Fact]
    public void GruModelSummaryMatchesKeras()
    {
        using var model = new Sequential();
        model.Add(new Gru(64, returnSequences: true, inputShape: (10, 8)));
        model.Add(new Bidirectional(new Gru(16)));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(optimizer: "adam", loss: "binary_crossentropy");
        var output = new StringWriter();
        model.Summary(output);
        Assert.Equal(KerasSummary.ReplaceLineEndings("\n"), output.ToString());
    }

    [Fact]
    public void NamesAndCountsFollowKeras()
    {
        using var model = new Sequential("rnns");
        model.Add(new SimpleRnn(32, returnSequences: true, inputShape: (5, 3)));
        model.Add(new Gru(8, resetAfter: false, returnSequences: true));
        model.Add(new SimpleRnn(4, useBias: false));
        Assert.Equal(["simple_rnn", "gru", "simple_rnn_1"], model.Layers.Select(l => l.Name));
        // Keras: SimpleRNN u(I + u + 1); GRU reset_before 3u(I + u + 1); no bias drops the + 1.
        Assert.Equal([32 * (3 + 32 + 1), 3 * 8 * (32 + 8 + 1), 4 * (8 + 4)], model.Layers.Select(l => l.ParameterCount));
        string text = model.SummaryText();
        Assert.Contains("│ simple_rnn (SimpleRNN)          │ (None, 5, 32)          │         1,152 │", text);
        Assert.Contains("│ gru (GRU)                       │ (None, 5, 8)           │           984 │", text);
        Assert.Contains("│ simple_rnn_1 (SimpleRNN)        │ (None, 4)              │            48 │", text);
    }
}
