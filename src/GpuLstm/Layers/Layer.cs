using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Optimizers;

namespace GpuLstm.Layers;

/// <summary>
/// A Keras-style layer: declared with its settings, built once the input shape is known (which
/// fixes its weight shapes), then bound to slices of the model's flat parameter buffer.
/// Shapes exclude the batch axis, as Keras prints them after "None".
/// </summary>
public abstract class Layer
{
    private readonly Dictionary<string, Tensor> _weights = new();

    protected Layer(string? name, IReadOnlyList<int>? inputShape)
    {
        Name = name;
        DeclaredInputShape = inputShape?.ToArray();
    }

    /// <summary>
    /// The model this layer object was added to: its weights live in that model's buffer, so a second
    /// model must not rebind them (Keras shares weights only within one functional model).
    /// </summary>
    internal object? Owner { get; set; }

    /// <summary>Unique within its model; assigned Keras-style (lstm, lstm_1, dense, ...) when not given.</summary>
    public string? Name { get; internal set; }

    /// <summary>Keras's class name, printed by Summary (LSTM, Dense, ...).</summary>
    public abstract string KerasClassName { get; }

    /// <summary>Base of generated names: lstm, dense, dropout, ...</summary>
    protected internal abstract string DefaultBaseName { get; }

    /// <summary>The input shape given to the first layer (Keras input_shape), without the batch axis.</summary>
    public IReadOnlyList<int>? DeclaredInputShape { get; }

    public IReadOnlyList<int>? InputShape { get; private set; }
    public IReadOnlyList<int>? OutputShape { get; private set; }
    public bool IsBuilt => OutputShape is not null;

    /// <summary>Weights this layer creates for the given input shape (names relative to the layer).</summary>
    protected internal virtual IEnumerable<WeightSpec> WeightSpecs(IReadOnlyList<int> inputShape) => [];

    /// <summary>The output shape for an input shape; throws naming the layer when the input does not fit.</summary>
    protected internal abstract int[] ComputeOutputShape(IReadOnlyList<int> inputShape);

    /// <summary>Runs the layer on x [batch, ..inputShape] and returns [batch, ..outputShape].</summary>
    protected internal abstract Tensor Forward(LayerContext context, Tensor x);

    /// <summary>Constructor arguments, for saving a model's architecture (Keras get_config).</summary>
    protected internal abstract Dictionary<string, object?> Config();

    /// <summary>Runs this (built, bound) layer on x outside a Sequential, e.g. in an encoder–decoder.</summary>
    public Tensor ForwardOn(LayerContext context, Tensor x)
    {
        using var _ = EnterOwnerBusy("ForwardOn");
        return Forward(context, x);
    }

    /// <summary>A layer of a model runs under that model's one-call-at-a-time guard (see Model.EnterBusy).</summary>
    private protected BusyGuard.Scopes EnterOwnerBusy(string call) =>
        Owner is Models.Model model ? model.EnterBusy($"{Name}.{call}") : default;

    /// <summary>Called between fits or when a stateful layer should forget its state.</summary>
    public virtual void ResetStates()
    {
    }

    /// <summary>Frees device memory a layer keeps between calls (stateful LSTM states).</summary>
    internal virtual void ReleaseDeviceState()
    {
    }

    public long ParameterCount => InputShape is null ? 0 : WeightSpecs(InputShape).Sum(w => ShapeUtil.Elements(w.Shape));

    internal void Build(IReadOnlyList<int> inputShape)
    {
        OutputShape = ComputeOutputShape(inputShape);
        InputShape = inputShape.ToArray();
    }

    internal virtual void Bind(ParameterSet parameters)
    {
        _weights.Clear();
        foreach (var spec in WeightSpecs(InputShape!))
            _weights[spec.Name] = parameters[$"{Name}/{spec.Name}"];
    }

    /// <summary>This layer's weight by its relative name (kernel, recurrent_kernel, bias, ...).</summary>
    protected Tensor Weight(string name) => _weights.TryGetValue(name, out var w)
        ? w
        : throw new InvalidOperationException($"{Name}: weight '{name}' is not bound; was the model built?");

    /// <summary>The calls of this layer in functional graphs, in order (Keras inbound nodes: Summary's node index).</summary>
    internal List<LayerNode> InboundNodes { get; } = new();

    /// <summary>
    /// Calls this layer on a symbolic tensor (functional API). The first call builds the layer for that
    /// input shape; a later call (a shared layer: one set of weights) must fit the same weights.
    /// </summary>
    public SymbolicTensor Apply(SymbolicTensor input)
    {
        if (this is RecurrentLayer { ReturnState: true })
            throw new InvalidOperationException(
                $"{Name ?? DefaultBaseName} ({KerasClassName}) was created with returnState: call ApplyWithState to get its output and states.");
        return RecordCall(input, [], 1, outputShape => [outputShape])[0];
    }

    /// <summary>Records one call on the graph: builds or checks the layer, creates the node and its output tensors.</summary>
    private protected SymbolicTensor[] RecordCall(SymbolicTensor input, SymbolicTensor[] initialStates, int outputCount,
        Func<int[], int[][]> outputShapes)
    {
        ArgumentNullException.ThrowIfNull(input);
        int[] outputShape;
        if (!IsBuilt)
        {
            Build(input.Shape);
            outputShape = OutputShape!.ToArray();
        }
        else
        {
            outputShape = ComputeOutputShape(input.Shape);
            var built = WeightSpecs(InputShape!).Select(w => ShapeUtil.Format(w.Shape));
            var wanted = WeightSpecs(input.Shape).Select(w => ShapeUtil.Format(w.Shape));
            if (!built.SequenceEqual(wanted))
                throw new ArgumentException(
                    $"{Name ?? DefaultBaseName} ({KerasClassName}): a shared layer was built for inputs {Models.ModelSummary.FormatShape(InputShape!)} " +
                    $"and cannot take {Models.ModelSummary.FormatShape(input.Shape)} (its weights would differ).");
        }
        return RecordNode([input], initialStates, outputShapes(outputShape));
    }

    /// <summary>Adds a call of this (built) layer to the graph, producing tensors of the given shapes.</summary>
    private protected SymbolicTensor[] RecordNode(SymbolicTensor[] inputs, SymbolicTensor[] initialStates, int[][] outputShapes)
    {
        var node = new LayerNode(this, inputs, initialStates, outputShapes.Length);
        node.Outputs = outputShapes.Select((shape, i) => new SymbolicTensor(shape, node, i)).ToArray();
        InboundNodes.Add(node);
        return node.Outputs;
    }

    /// <summary>
    /// Names this layer in a device out-of-memory error raised during its call (the pool's message names the
    /// tensor and the bytes) and hands the failed batch's activations back to the pool.
    /// </summary>
    internal InsufficientMemoryException OutOfMemory(InsufficientMemoryException e, LayerContext context, Tensor input)
    {
        string message = $"{Name} ({KerasClassName}) on input {ShapeUtil.Format(input.Shape)}: {e.Message}";
        context.Tape.Reset();
        return new InsufficientMemoryException(message, e);
    }

    protected string ShapeError(string expected, IReadOnlyList<int> actual) =>
        $"{Name ?? DefaultBaseName} ({KerasClassName}): expected input {expected}, got {ShapeUtil.Format(actual)} (batch axis excluded).";
}
