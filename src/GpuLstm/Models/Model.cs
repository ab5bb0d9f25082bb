using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Memory;
using GpuLstm.Optimizers;

namespace GpuLstm.Models;

/// <summary>
/// Keras's functional Model: layers applied to symbolic tensors from <see cref="Input"/>s, run as a graph
/// with any number of inputs and outputs, shared layers (one set of weights used twice) and recurrent
/// initial/returned states. All weights are slices of one device buffer. <see cref="Sequential"/> is a
/// Model too; Compile/Fit/Evaluate/Predict are in Model.Training.cs, files in Model.Files.cs.
/// <para>
/// Threads: a model runs one call at a time (its calls share one tape, the device's tensor pool and
/// stateful layers' states). A call from a second thread while one runs (Predict during Fit, say) throws
/// an <see cref="InvalidOperationException"/> saying the model is busy, before touching anything; so do
/// calls on two models that share one <see cref="ComputeDevice"/>. The running thread itself may call
/// the model again (callbacks such as ModelCheckpoint do, inside Fit). Use one model per thread, or lock
/// around calls; <see cref="StopTraining"/> may be set from any thread.
/// </para>
/// </summary>
public partial class Model : IDisposable
{
    private readonly bool _ownsDevice;
    private readonly FunctionalGraph? _graph; // null for Sequential
    private readonly BusyGuard _busy = new();
    private ComputeDevice? _device;
    private Tape? _tape;

    /// <param name="inputs">The model's Inputs, in the order Fit/Predict take their arrays.</param>
    /// <param name="outputs">The tensors the model returns, in the order Fit takes their targets.</param>
    /// <param name="name">Printed by Summary (Keras: "functional").</param>
    /// <param name="device">The device to train on; null creates the best one present on first use (and owns it).</param>
    /// <param name="seed">Seeds weight initialisation, shuffling and dropout: same seed, same run.</param>
    public Model(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs, string name = "functional",
        ComputeDevice? device = null, int seed = 0)
        : this(name, device, seed)
    {
        _graph = new FunctionalGraph(this, inputs, outputs);
    }

    public Model(IReadOnlyList<SymbolicTensor> inputs, SymbolicTensor output, string name = "functional",
        ComputeDevice? device = null, int seed = 0)
        : this(inputs, [output], name, device, seed)
    {
    }

    public Model(SymbolicTensor input, IReadOnlyList<SymbolicTensor> outputs, string name = "functional",
        ComputeDevice? device = null, int seed = 0)
        : this([input], outputs, name, device, seed)
    {
    }

    public Model(SymbolicTensor input, SymbolicTensor output, string name = "functional", ComputeDevice? device = null, int seed = 0)
        : this([input], [output], name, device, seed)
    {
    }

    private protected Model(string name, ComputeDevice? device, int seed)
    {
        Name = name;
        _device = device;
        _ownsDevice = device is null;
        Seed = seed;
        Random = new ResumableRandom((ulong)(uint)seed);
    }

    public string Name { get; }
    public int Seed { get; }

    /// <summary>Every layer with weights or work to do, each once, in Keras order (inputs excluded).</summary>
    public virtual IReadOnlyList<Layer> Layers => _graph!.Layers;

    public ParameterSet? Parameters { get; private protected set; }
    public Optimizer? Optimizer { get; internal set; }

    /// <summary>The loss of the (first) output; see <see cref="Losses"/> for one per output.</summary>
    public LossFunction? Loss => Losses.Count > 0 ? Losses[0] : null;

    /// <summary>One loss per output (the same one for all when Compile was given a single loss).</summary>
    public IReadOnlyList<LossFunction> Losses { get; private set; } = [];

    public IReadOnlyList<Metric> Metrics { get; internal set; } = [];
    public bool IsBuilt => Parameters is not null;

    /// <summary>Set by a callback to end Fit after the current epoch (Keras model.stop_training).</summary>
    public bool StopTraining { get; set; }

    /// <summary>
    /// Whether Fit, Evaluate, Predict, TrainOnBatch and TestOnBatch check their data on the host before
    /// uploading it (default true). NaN or infinities in x, y, validation data or sample weights, negative
    /// sample weights, and targets the loss cannot read (sparse categorical cross-entropy: integer class ids
    /// in [0, classes), classes being the output's last dimension; binary cross-entropy: values in [0, 1],
    /// soft labels allowed; categorical cross-entropy: values >= 0) are an ArgumentException naming the
    /// array, the first bad element's index and its value, before any weight changes. The check is one
    /// SIMD pass over each array (3-5 ms per 10 million floats on one core); false skips it for data known
    /// to be clean. Embedding token ids are checked either way (a bad id would read outside the table).
    /// </summary>
    public bool CheckData { get; set; } = true;

    /// <summary>The history of the last (or current) Fit, as Keras' <c>model.history</c>; null before the first.</summary>
    public History? History { get; private set; }

    internal ResumableRandom Random { get; }

    public ComputeDevice Device => _device ??= ComputeDevice.Create();

    internal Tape Tape => _tape ??= new Tape(Device);

    /// <summary>Per-sample shapes of the inputs (batch excluded, -1 for any length), once known.</summary>
    internal virtual IReadOnlyList<IReadOnlyList<int>>? InputShapes => _graph!.InputShapes;

    /// <summary>Per-sample shapes of the outputs, once known.</summary>
    internal virtual IReadOnlyList<IReadOnlyList<int>>? OutputShapes => _graph!.OutputShapes;

    /// <summary>Output names for per-output logs (Keras: the producing layer's name).</summary>
    internal virtual IReadOnlyList<string> OutputNames => _graph!.OutputNames;

    /// <summary>Prints Keras's summary table to the console (or to <paramref name="writer"/>).</summary>
    public void Summary(TextWriter? writer = null) => (writer ?? Console.Out).Write(SummaryText());

    public virtual string SummaryText() => _graph!.Summary(Name);

    /// <summary>Creates and initialises the weights (Fit does this when needed).</summary>
    public void Build()
    {
        using var _ = EnterBusy("Build");
        Build(null);
    }

    /// <summary>Builds for the given per-sample input shapes when the model does not know them yet (Sequential).</summary>
    internal virtual void Build(IReadOnlyList<IReadOnlyList<int>>? inputShapes)
    {
        if (!IsBuilt)
            Parameters = LayerWeights.ForBuilt(Device, Seed, Layers, Name);
    }

    /// <summary>Runs the model on one batch of every input; records on the tape unless it is in no-grad mode.</summary>
    internal virtual Tensor[] Forward(Tensor[] inputs, bool training) =>
        _graph!.Forward(new LayerContext(Tape, training, Random), inputs);

    /// <summary>Zeroes the state of stateful layers (Keras reset_states).</summary>
    public void ResetStates()
    {
        using var _ = EnterBusy("ResetStates");
        foreach (var layer in Layers)
            layer.ResetStates();
    }

    /// <summary>
    /// Enters a public call that touches the tape, the weights or device memory (<c>using var _ = EnterBusy("Predict");</c>):
    /// the thread already inside may enter again; another thread gets an InvalidOperationException
    /// saying the model (or the device it shares with another model) is busy, never a wrong answer.
    /// </summary>
    internal BusyGuard.Scopes EnterBusy(string call)
    {
        var model = _busy.Enter(call, running => new InvalidOperationException(
            $"Model '{Name}': {call} was called while {running} is running on another thread; a model runs one call at a time " +
            "(use one model per thread, or lock around calls)."));
        if (_device is not { } device)
            return new BusyGuard.Scopes(model, default); // created during this call: no other model has it yet
        try
        {
            return new BusyGuard.Scopes(model, device.Busy.Enter($"{call} of model '{Name}'", running => new InvalidOperationException(
                $"Model '{Name}': {call} was called while {running} is running on another thread on the same device ({device}); " +
                "models sharing a ComputeDevice run one call at a time (give each thread its own device, or lock around calls).")));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Claims a layer for this model: a layer object belongs to one model (its weights live in that model's buffer).</summary>
    internal void Claim(Layer layer)
    {
        if (layer.Owner is Model other && !ReferenceEquals(other, this))
            throw new ArgumentException(
                $"{Name}: layer '{layer.Name}' ({layer.KerasClassName}) already belongs to model '{other.Name}'; a layer object belongs to one model " +
                "(adding it here would rebind its weights and change the other model). Create a new layer, or copy weights with SaveWeights/LoadWeights.");
        layer.Owner = this;
    }

    public void Dispose()
    {
        using var _ = EnterBusy("Dispose");
        _tape?.Dispose();
        foreach (var layer in Layers)
            layer.ReleaseDeviceState();
        Optimizer?.Dispose();
        Parameters?.Dispose();
        if (_ownsDevice)
            _device?.Dispose();
        GC.SuppressFinalize(this);
    }
}
