using System.Text.Json;

namespace GpuLstm.Layers;

/// <summary>Recreates layers from the class name and config a saved model stores.</summary>
internal static class LayerFactory
{
    private static readonly string[] KnownClasses =
        ["LSTM", "GRU", "SimpleRNN", "Dense", "Dropout", "Embedding", "Bidirectional", "TimeDistributed", "Concatenate", "Add"];

    /// <summary>Classes that can be a model's first layer and so take the saved input shape on load.</summary>
    private static readonly HashSet<string> TakesInputShape = ["LSTM", "GRU", "SimpleRNN", "Dense", "Embedding", "Bidirectional"];

    /// <summary>The input shape to pass to <see cref="Create"/> for a saved layer: only a first layer of a class that takes one gets it.</summary>
    public static IReadOnlyList<int>? InputShapeFor(string className, bool first, IReadOnlyList<int> inputShape) =>
        first && TakesInputShape.Contains(className) ? inputShape : null;

    public static Layer Create(string className, string name, JsonElement config, IReadOnlyList<int>? inputShape)
    {
        bool B(string key, bool fallback) => config.TryGetProperty(key, out var v) ? v.GetBoolean() : fallback;
        string S(string key, string fallback) => config.TryGetProperty(key, out var v) ? v.GetString() ?? fallback : fallback;
        int I(string key) => config.TryGetProperty(key, out var v) ? v.GetInt32()
            : throw new InvalidDataException($"saved layer '{name}' ({className}) has no '{key}' in its config.");
        float F(string key) => config.TryGetProperty(key, out var v) ? v.GetSingle() : 0f;
        (int, int)? sequenceShape = inputShape is { Count: 2 } s ? (s[0], s[1]) : null;
        return className switch
        {
            "LSTM" => new Lstm(I("units"), S("activation", "tanh"), S("recurrent_activation", "sigmoid"), B("use_bias", true),
                B("unit_forget_bias", true), F("dropout"), F("recurrent_dropout"), returnSequences: B("return_sequences", false),
                goBackwards: B("go_backwards", false), stateful: B("stateful", false), name: name,
                inputShape: sequenceShape, returnState: B("return_state", false)),
            "GRU" => new Gru(I("units"), S("activation", "tanh"), S("recurrent_activation", "sigmoid"), B("use_bias", true),
                F("dropout"), F("recurrent_dropout"), B("return_sequences", false), B("go_backwards", false), B("stateful", false),
                name, sequenceShape, B("return_state", false), B("reset_after", true)),
            "SimpleRNN" => new SimpleRnn(I("units"), S("activation", "tanh"), B("use_bias", true), F("dropout"), F("recurrent_dropout"),
                B("return_sequences", false), B("go_backwards", false), B("stateful", false), name, sequenceShape, B("return_state", false)),
            "Dense" => new Dense(I("units"), S("activation", "linear"), B("use_bias", true), name, inputShape),
            "Dropout" => new Dropout(config.GetProperty("rate").GetSingle(), name),
            "Embedding" => new Embedding(I("input_dim"), I("output_dim"), B("mask_zero", false), name,
                inputShape is { Count: 1 } e ? e[0] : null),
            "Bidirectional" => new Bidirectional(Create(S("layer_class", "LSTM"), name, config.GetProperty("layer"), null) as RecurrentLayer
                ?? throw new InvalidDataException($"saved layer '{name}' (Bidirectional) wraps '{S("layer_class", "LSTM")}'; expected LSTM, GRU or SimpleRNN."),
                S("merge_mode", "concat"), name, sequenceShape),
            "Concatenate" => new Concatenate(config.TryGetProperty("axis", out var axis) ? axis.GetInt32() : -1, name),
            "Add" => new Add(name),
            "TimeDistributed" => new TimeDistributed(Create(S("layer_class", "Dense"), name, config.GetProperty("layer"), null), name),
            _ => throw new InvalidDataException(
                $"saved layer '{name}' has unknown class '{className}'; expected one of {string.Join(", ", KnownClasses)}."),
        };
    }
}
