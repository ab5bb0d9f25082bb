using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Memory;
using GpuLstm.Optimizers;

namespace GpuLstm.Models;

/// <summary>
/// Keras's Sequential model: a stack of layers, built from the first layer's input shape, with all
/// weights as slices of one device buffer. Compile, Fit, Evaluate and Predict are in
/// Sequential.Training.cs; saving and loading in Sequential.Files.cs.
/// </summary>
public sealed partial class Sequential : IDisposable
{
    private readonly List<Layer> _layers = new();
    private readonly bool _ownsDevice;
    private ComputeDevice? _device;
    private Tape? _tape;

    /// <param name="name">Printed by Summary (Keras: "sequential").</param>
    /// <param name="device">The device to train on; null creates the best one present on first use (and owns it).</param>
    /// <param name="seed">Seeds weight initialisation, shuffling and dropout: same seed, same run.</param>
    public Sequential(string name = "sequential", ComputeDevice? device = null, int seed = 0)
    {
        Name = name;
        _device = device;
        _ownsDevice = device is null;
        Seed = seed;
        Random = new ResumableRandom((ulong)(uint)seed);
    }

    public string Name { get; }
    public int Seed { get; }
    public IReadOnlyList<Layer> Layers => _layers;
    public ParameterSet? Parameters { get; private set; }
    public Optimizer? Optimizer { get; internal set; }
    public LossFunction? Loss { get; internal set; }
    public IReadOnlyList<Metric> Metrics { get; internal set; } = [];
    public bool IsBuilt => Parameters is not null;

    /// <summary>Set by a callback to end Fit after the current epoch (Keras model.stop_training).</summary>
    public bool StopTraining { get; set; }

    /// <summary>The history of the last (or current) Fit, as Keras' <c>model.history</c>; null before the first.</summary>
    public History? History { get; private set; }

    internal ResumableRandom Random { get; }

    public ComputeDevice Device => _device ??= ComputeDevice.Create();

    internal Tape Tape => _tape ??= new Tape(Device);

    /// <summary>Appends a layer, naming it Keras-style (lstm, lstm_1, ...) unless it has a name.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (IsBuilt)
            throw new InvalidOperationException($"{Name}: cannot add {layer.KerasClassName} after the model was built.");
        if (_layers.Contains(layer))
            throw new ArgumentException($"{Name}: this {layer.KerasClassName} layer was already added.");
        if (layer.Owner is Sequential other && !ReferenceEquals(other, this))
            throw new ArgumentException(
                $"{Name}: layer '{layer.Name}' ({layer.KerasClassName}) already belongs to model '{other.Name}'; a layer object belongs to one model " +
                "(adding it here would rebind its weights and change the other model). Create a new layer, or copy weights with SaveWeights/LoadWeights.");
        if (layer is RecurrentLayer { ReturnState: true })
            throw new ArgumentException(
                $"{Name}: {layer.KerasClassName} with returnState gives several outputs, which a Sequential model cannot pass on; use the functional API (Input, Model).");
        if (_layers.Count > 0 && layer.DeclaredInputShape is not null)
            throw new ArgumentException($"{Name}: only the first layer takes inputShape; {layer.KerasClassName} was given one.");
        if (layer.Name is null)
        {
            int n = _layers.Count(l => l.DefaultBaseName == layer.DefaultBaseName);
            layer.Name = n == 0 ? layer.DefaultBaseName : $"{layer.DefaultBaseName}_{n}";
        }
        else if (_layers.Any(l => l.Name == layer.Name))
        {
            throw new ArgumentException($"{Name}: a layer named '{layer.Name}' already exists.");
        }
        layer.Owner = this;
        _layers.Add(layer);
        if (_layers.Count == 1 && layer.DeclaredInputShape is not null)
            InferShapes(layer.DeclaredInputShape);
        else if (_layers.Count > 1 && _layers[^2].OutputShape is { } previous)
            layer.Build(previous);
    }

    /// <summary>The input shape (batch excluded), once known.</summary>
    public IReadOnlyList<int>? InputShape => _layers.Count > 0 ? _layers[0].InputShape : null;

    public IReadOnlyList<int>? OutputShape => _layers.Count > 0 ? _layers[^1].OutputShape : null;

    /// <summary>Prints Keras's summary table to the console (or to <paramref name="writer"/>).</summary>
    public void Summary(TextWriter? writer = null) => (writer ?? Console.Out).Write(SummaryText());

    public string SummaryText() => ModelSummary.Render(Name, _layers);

    /// <summary>Creates and initialises the weights for an input shape (batch excluded); Fit does this when needed.</summary>
    public void Build(IReadOnlyList<int>? inputShape = null)
    {
        if (_layers.Count == 0)
            throw new InvalidOperationException($"{Name}: add layers before building.");
        if (IsBuilt)
            return;
        inputShape ??= InputShape ?? throw new InvalidOperationException(
            $"{Name}: the input shape is unknown; give the first layer an inputShape or call Build(shape).");
        InferShapes(inputShape);
        Parameters = LayerWeights.ForBuilt(Device, Seed, _layers);
    }

    private void InferShapes(IReadOnlyList<int> inputShape)
    {
        IReadOnlyList<int> shape = inputShape;
        foreach (var layer in _layers)
        {
            layer.Build(shape);
            shape = layer.OutputShape!;
        }
    }

    /// <summary>Runs every layer on x [batch, ...]; records on the tape unless it is in no-grad mode.</summary>
    internal Tensor Forward(Tensor x, bool training)
    {
        var context = new LayerContext(Tape, training, Random);
        foreach (var layer in _layers)
            x = layer.Forward(context, x);
        return x;
    }

    /// <summary>Zeroes the state of stateful layers (Keras reset_states).</summary>
    public void ResetStates()
    {
        foreach (var layer in _layers)
            layer.ResetStates();
    }

    public void Dispose()
    {
        _tape?.Dispose();
        foreach (var layer in _layers)
            layer.ReleaseDeviceState();
        Optimizer?.Dispose();
        Parameters?.Dispose();
        if (_ownsDevice)
            _device?.Dispose();
    }
}
