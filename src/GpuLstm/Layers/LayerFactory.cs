using System.Text.Json;

namespace GpuLstm.Layers;

/// <summary>Recreates layers from the class name and config a saved model stores.</summary>
internal static class LayerFactory
{
    public static Layer Create(string className, string name, JsonElement config, IReadOnlyList<int>? inputShape)
    {
        bool B(string key, bool fallback) => config.TryGetProperty(key, out var v) ? v.GetBoolean() : fallback;
        string S(string key, string fallback) => config.TryGetProperty(key, out var v) ? v.GetString() ?? fallback : fallback;
        int I(string key) => config.TryGetProperty(key, out var v) ? v.GetInt32()
            : throw new InvalidDataException($"saved layer '{name}' ({className}) has no '{key}' in its config.");
        float F(string key) => config.TryGetProperty(key, out var v) ? v.GetSingle() : 0f;
        return className switch
        {
            "LSTM" => new Lstm(I("units"), S("activation", "tanh"), S("recurrent_activation", "sigmoid"), B("use_bias", true),
                B("unit_forget_bias", true), F("dropout"), F("recurrent_dropout"), returnSequences: B("return_sequences", false),
                goBackwards: B("go_backwards", false), stateful: B("stateful", false), name: name,
                inputShape: inputShape is { Count: 2 } s ? (s[0], s[1]) : null, returnState: B("return_state", false)),
            "Dense" => new Dense(I("units"), S("activation", "linear"), B("use_bias", true), name, inputShape),
            "Dropout" => new Dropout(config.GetProperty("rate").GetSingle(), name),
            "Embedding" => new Embedding(I("input_dim"), I("output_dim"), B("mask_zero", false), name,
                inputShape is { Count: 1 } e ? e[0] : null),
            "Bidirectional" => new Bidirectional((RecurrentLayer)Create(S("layer_class", "LSTM"), name, config.GetProperty("layer"), null),
                S("merge_mode", "concat"), name, inputShape is { Count: 2 } b ? (b[0], b[1]) : null),
            "Concatenate" => new Concatenate(config.TryGetProperty("axis", out var axis) ? axis.GetInt32() : -1, name),
            "Add" => new Add(name),
            "TimeDistributed" => new TimeDistributed(Create(S("layer_class", "Dense"), name, config.GetProperty("layer"), null), name),
            _ => throw new InvalidDataException($"saved layer '{name}' has unknown class '{className}'."),
        };
    }
}
