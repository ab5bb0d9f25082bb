using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// Keras's Sequential model: a stack of layers, built from the first layer's input shape, with all
/// weights as slices of one device buffer. Training and files come from <see cref="Model"/>.
/// </summary>
public sealed partial class Sequential : Model
{
    private readonly List<Layer> _layers = new();

    /// <param name="name">Printed by Summary (Keras: "sequential").</param>
    /// <param name="device">The device to train on; null creates the best one present on first use (and owns it).</param>
    /// <param name="seed">Seeds weight initialisation, shuffling and dropout: same seed, same run.</param>
    public Sequential(string name = "sequential", ComputeDevice? device = null, int seed = 0)
        : base(name, device, seed)
    {
    }

    public override IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Appends a layer, naming it Keras-style (lstm, lstm_1, ...) unless it has a name.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var _ = EnterBusy("Add");
        if (IsBuilt)
            throw new InvalidOperationException($"{Name}: cannot add {layer.KerasClassName} after the model was built.");
        if (_layers.Contains(layer))
            throw new ArgumentException($"{Name}: this {layer.KerasClassName} layer was already added.");
        if (layer is RecurrentLayer { ReturnState: true })
            throw new ArgumentException(
                $"{Name}: {layer.KerasClassName} with returnState gives several outputs, which a Sequential model cannot pass on; use the functional API (Input, Model).");
        if (_layers.Count > 0 && layer.DeclaredInputShape is not null)
            throw new ArgumentException($"{Name}: only the first layer takes inputShape; {layer.KerasClassName} was given one.");
        if (layer.Name is not null && _layers.Any(l => l.Name == layer.Name))
            throw new ArgumentException($"{Name}: a layer named '{layer.Name}' already exists.");
        Claim(layer);
        if (layer.Name is null)
        {
            int n = _layers.Count(l => l.DefaultBaseName == layer.DefaultBaseName);
            layer.Name = n == 0 ? layer.DefaultBaseName : $"{layer.DefaultBaseName}_{n}";
        }
        _layers.Add(layer);
        if (_layers.Count == 1 && layer.DeclaredInputShape is not null)
            InferShapes(layer.DeclaredInputShape);
        else if (_layers.Count > 1 && _layers[^2].OutputShape is { } previous)
            layer.Build(previous);
    }

    /// <summary>The input shape (batch excluded), once known.</summary>
    public IReadOnlyList<int>? InputShape => _layers.Count > 0 ? _layers[0].InputShape : null;

    public IReadOnlyList<int>? OutputShape => _layers.Count > 0 ? _layers[^1].OutputShape : null;

    internal override IReadOnlyList<IReadOnlyList<int>>? InputShapes => InputShape is { } s ? [s] : null;
    internal override IReadOnlyList<IReadOnlyList<int>>? OutputShapes => OutputShape is { } s ? [s] : null;
    internal override IReadOnlyList<string> OutputNames => [_layers.Count > 0 ? _layers[^1].Name! : Name];

    public override string SummaryText() => ModelSummary.Render(Name, _layers);

    /// <summary>Creates and initialises the weights for an input shape (batch excluded); Fit does this when needed.</summary>
    public void Build(IReadOnlyList<int>? inputShape)
    {
        using var _ = EnterBusy("Build");
        Build(inputShape is null ? null : [inputShape]);
    }

    internal override void Build(IReadOnlyList<IReadOnlyList<int>>? inputShapes)
    {
        if (_layers.Count == 0)
            throw new InvalidOperationException($"{Name}: add layers before building.");
        if (IsBuilt)
            return;
        var inputShape = inputShapes?[0] ?? InputShape ?? throw new InvalidOperationException(
            $"{Name}: the input shape is unknown; give the first layer an inputShape or call Build(shape).");
        InferShapes(inputShape);
        base.Build(inputShapes);
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

    internal override Tensor[] Forward(Tensor[] inputs, bool training)
    {
        var context = new LayerContext(Tape, training, Random);
        var x = inputs[0];
        foreach (var layer in _layers)
        {
            try
            {
                x = layer.Forward(context, x);
            }
            catch (InsufficientMemoryException e)
            {
                throw layer.OutOfMemory(e, context, x);
            }
        }
        return [x];
    }

    private protected override void CheckInputs(HostArray[] x, string what, bool anyTimeSteps = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length != 1)
            throw new ArgumentException($"{what}: {Name} has one input, got {x.Length} arrays.");
        ArgumentNullException.ThrowIfNull(x[0]);
        if (x[0].Shape.Length < 2)
            throw new ArgumentException(
                $"{what}: x has shape {ShapeUtil.Format(x[0].Shape)}, but each sample needs at least one axis (features); for one feature per sample give [{x[0].Count}, 1].");
        if (_layers.Count > 0 && _layers[0] is Embedding embedding)
            embedding.CheckTokens(x[0].Data, what);
        // Sequence layers' weights do not depend on the number of steps, so Predict may use another.
        bool timeFree = anyTimeSteps && _layers.Count > 0 && _layers[0] is RecurrentLayer or Embedding or Bidirectional;
        var shape = x[0].Shape;
        if (InputShape is { } expected && !(timeFree && shape.Length == expected.Count + 1 && shape[2..].SequenceEqual(expected.Skip(1)))
            && !shape[1..].SequenceEqual(expected))
            throw new ArgumentException(
                $"{what}: {Name} expects inputs of shape {ModelSummary.FormatShape(expected)}, got {ShapeUtil.Format(shape)}.");
    }
}
