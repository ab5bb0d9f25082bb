using GpuLstm.Models;

namespace GpuLstm.Layers;

/// <summary>
/// Recreates layers from the class name and config a saved model stores, in two steps: Parse checks
/// every key (type, range, known names) and creates nothing; the SavedLayer it returns creates the layer.
/// </summary>
internal static class LayerFactory
{
    private static readonly string[] KnownClasses =
        ["LSTM", "GRU", "SimpleRNN", "Dense", "Dropout", "Embedding", "Bidirectional", "TimeDistributed", "Concatenate", "Add"];

    private static readonly string[] RecurrentClasses = ["LSTM", "GRU", "SimpleRNN"];
    private static readonly string[] ElementActivations = ["linear", "sigmoid", "tanh", "relu", "hard_sigmoid"];
    private static readonly string[] DenseActivations = [.. ElementActivations, "softmax"];
    private static readonly string[] MergeModeNames = ["concat", "sum", "mul", "ave"];

    /// <summary>Classes that can be a model's first layer and so take the saved input shape on load.</summary>
    private static readonly HashSet<string> TakesInputShape = ["LSTM", "GRU", "SimpleRNN", "Dense", "Embedding", "Bidirectional"];

    /// <summary>What a saved model stores for a layer (what Parse reads back): class, name and config.</summary>
    public static Dictionary<string, object?> Record(Layer layer) =>
        new() { ["class"] = layer.KerasClassName, ["name"] = layer.Name, ["config"] = layer.Config() };

    /// <summary>The input shape to pass to a SavedLayer's Create: only a first layer of a class that takes one gets it.</summary>
    public static IReadOnlyList<int>? InputShapeFor(string className, bool first, IReadOnlyList<int> inputShape) =>
        first && TakesInputShape.Contains(className) ? inputShape : null;

    /// <summary>Checks a saved layer {class, name, config} completely; creates nothing.</summary>
    public static SavedLayer Parse(RecordNode layer)
    {
        string className = layer["class"].OneOf(KnownClasses);
        string name = layer["name"].String();
        if (name.Length == 0 || name.Length > 256)
            throw layer["name"].Error($"has {name.Length} characters, expected 1 to 256.");
        return Parse(className, name, layer["config"]);
    }

    private static SavedLayer Parse(string className, string name, RecordNode config)
    {
        config.RequireObject();
        bool B(string key, bool fallback) => config.Optional(key)?.Bool() ?? fallback;
        string A(string key, string fallback, string[] allowed) => config.Optional(key)?.OneOf(allowed) ?? fallback;
        int Size(string key) => config[key].Int(1, RecordNode.MaxSize);
        float Rate(string key) => config.Optional(key)?.Float(0, 0.999999) ?? 0f;
        static (int, int)? Sequence(IReadOnlyList<int>? s) => s is { Count: 2 } ? (s[0], s[1]) : null;
        switch (className)
        {
            case "LSTM":
            {
                var (units, activation, recurrent, bias, forgetBias) = (Size("units"), A("activation", "tanh", ElementActivations),
                    A("recurrent_activation", "sigmoid", ElementActivations), B("use_bias", true), B("unit_forget_bias", true));
                var (dropout, recurrentDropout, sequences, backwards, stateful, state) = Recurrent();
                return new(className, name, s => new Lstm(units, activation, recurrent, bias, forgetBias, dropout, recurrentDropout,
                    sequences, backwards, stateful, name, Sequence(s), state)) { StateCount = 2, ReturnState = state };
            }
            case "GRU":
            {
                var (units, activation, recurrent, bias, resetAfter) = (Size("units"), A("activation", "tanh", ElementActivations),
                    A("recurrent_activation", "sigmoid", ElementActivations), B("use_bias", true), B("reset_after", true));
                var (dropout, recurrentDropout, sequences, backwards, stateful, state) = Recurrent();
                return new(className, name, s => new Gru(units, activation, recurrent, bias, dropout, recurrentDropout,
                    sequences, backwards, stateful, name, Sequence(s), state, resetAfter)) { StateCount = 1, ReturnState = state };
            }
            case "SimpleRNN":
            {
                var (units, activation, bias) = (Size("units"), A("activation", "tanh", ElementActivations), B("use_bias", true));
                var (dropout, recurrentDropout, sequences, backwards, stateful, state) = Recurrent();
                return new(className, name, s => new SimpleRnn(units, activation, bias, dropout, recurrentDropout,
                    sequences, backwards, stateful, name, Sequence(s), state)) { StateCount = 1, ReturnState = state };
            }
            case "Dense":
            {
                var (units, activation, bias) = (Size("units"), A("activation", "linear", DenseActivations), B("use_bias", true));
                return new(className, name, s => new Dense(units, activation, bias, name, s));
            }
            case "Dropout":
            {
                float rate = config["rate"].Float(0, 0.999999);
                return new(className, name, _ => new Dropout(rate, name));
            }
            case "Embedding":
            {
                var (inputDim, outputDim, maskZero) = (Size("input_dim"), Size("output_dim"), B("mask_zero", false));
                return new(className, name, s => new Embedding(inputDim, outputDim, maskZero, name, s is { Count: 1 } e ? e[0] : null));
            }
            case "Bidirectional":
            {
                string inner = config.Optional("layer_class")?.OneOf(RecurrentClasses) ?? "LSTM";
                var wrapped = Parse(inner, name, config["layer"]);
                string mode = A("merge_mode", "concat", MergeModeNames);
                if (wrapped.ReturnState)
                    throw config["layer"]["return_state"].Error("is true; Bidirectional does not support a wrapped layer with return_state.");
                return new(className, name, s => new Bidirectional((RecurrentLayer)wrapped.Create(null), mode, name, Sequence(s)));
            }
            case "TimeDistributed":
            {
                string inner = config.Optional("layer_class")?.OneOf(["Dense", "Dropout"]) ?? "Dense";
                var wrapped = Parse(inner, name, config["layer"]);
                return new(className, name, _ => new TimeDistributed(wrapped.Create(null), name));
            }
            case "Concatenate":
            {
                int axis = config.Optional("axis")?.Int(-1, -1) ?? -1;
                return new(className, name, _ => new Concatenate(axis, name));
            }
            default: // "Add": Parse(RecordNode) admits only KnownClasses
                return new(className, name, _ => new Add(name));
        }

        (float, float, bool, bool, bool, bool) Recurrent() => (Rate("dropout"), Rate("recurrent_dropout"), B("return_sequences", false),
            B("go_backwards", false), B("stateful", false), B("return_state", false));
    }
}
