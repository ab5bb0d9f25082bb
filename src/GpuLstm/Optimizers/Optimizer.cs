using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Ops;

namespace GpuLstm.Optimizers;

/// <summary>
/// Base of the fused optimizers: state lives on the device beside the parameters; each step is one
/// launch over the flat parameter buffer (global-norm clipping adds two, plus one per tree-reduction
/// level on GPUs: see Reduction; nothing runs on the host).
/// </summary>
public abstract class Optimizer : IDisposable
{
    private Tensor? _gradScale;   // [1] factor applied to every gradient
    private Tensor? _partials;    // [threads] sums of squares for a norm
    private Tensor? _tensorScale; // [1] clip factor of one weight (ClipNorm)

    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0f) || float.IsInfinity(learningRate))
            throw new ArgumentException($"{GetType().Name}: learning rate must be a positive number, got {learningRate}.");
        LearningRate = learningRate;
    }

    public float LearningRate { get; set; }

    /// <summary>Clip each gradient element to [-ClipValue, ClipValue] (0: off).</summary>
    public float ClipValue { get; set; }

    /// <summary>Rescale each weight's gradient on its own when its L2 norm exceeds this (Keras clipnorm; 0: off).</summary>
    public float ClipNorm { get; set; }

    /// <summary>Rescale all gradients together when their global L2 norm exceeds this (0: off).</summary>
    public float GlobalClipNorm { get; set; }

    /// <summary>Number of updates applied so far.</summary>
    public long Iterations { get; protected set; }

    public void Step(ParameterSet parameters)
    {
        var device = parameters.Device;
        parameters.MaterializeGrads();
        if (_gradScale is null)
        {
            _gradScale = Tensor.Allocate(device, [1], "grad_scale");
            _gradScale.Fill(1f);
        }
        if (ClipNorm > 0f)
            ClipEachNorm(parameters, device);
        if (GlobalClipNorm > 0f)
            ComputeClipScale(parameters, device);
        Iterations++;
        Update(parameters, _gradScale);
    }

    private void ComputeClipScale(ParameterSet parameters, ComputeDevice device) =>
        NormClipFactor(device, parameters.Grads, GlobalClipNorm, _gradScale!);

    /// <summary>Per weight: factor = min(1, ClipNorm / ||g||) on the device, then g *= factor (3 launches each, plus tree-reduction levels on GPUs).</summary>
    private void ClipEachNorm(ParameterSet parameters, ComputeDevice device)
    {
        _tensorScale ??= Tensor.Allocate(device, [1], "tensor_clip_scale");
        foreach (var p in parameters.Parameters)
        {
            NormClipFactor(device, p.Grad!, ClipNorm, _tensorScale);
            int threads = device.Threads(p.Length);
            device.Kernels.ScaleByDeviceScalar(threads, threads, (int)p.Length, _tensorScale.View, p.Grad!.View);
        }
    }

    private void NormClipFactor(ComputeDevice device, Tensor grads, float maxNorm, Tensor factor)
    {
        int threads = device.Threads(grads.Length);
        int levels = Reduction.ScratchLength(device, threads);
        if (_partials is null || _partials.Length < threads + levels)
        {
            _partials?.Dispose();
            _partials = Tensor.Allocate(device, [Math.Max(threads + levels, 64)], "grad_norm_partials"); // [threads] | [levels]
        }
        device.Kernels.SumOfSquaresPartials(threads, threads, (int)grads.Length, grads.View, _partials.View);
        var (partials, count) = Reduction.Collapse(device, _partials.View.SubView(0, threads), threads, Reduction.ScratchAt(_partials.View, threads, levels));
        device.Kernels.GlobalNormClipScale(1, count, maxNorm, partials, factor.View);
    }

    /// <summary>Applies one update to all parameters; gradScale is the [1] device factor for gradients.</summary>
    protected abstract void Update(ParameterSet parameters, Tensor gradScale);

    private readonly Dictionary<string, Tensor> _state = new();

    /// <summary>A zeroed state buffer the size of the parameters (Adam's m and v, ...), created on first use.</summary>
    protected internal Tensor State(string name, ParameterSet parameters)
    {
        if (!_state.TryGetValue(name, out var slot))
        {
            slot = Tensor.Allocate(parameters.Device, [(int)parameters.Count], name);
            Elementwise.Fill(parameters.Device, slot.View, 0f);
            _state[name] = slot;
        }
        return slot;
    }

    /// <summary>The state buffers created so far, by name (saved with a model so training resumes exactly).</summary>
    internal IReadOnlyDictionary<string, Tensor> StateTensors => _state;

    internal void RestoreIterations(long iterations) => Iterations = iterations;

    /// <summary>Keras-like name and settings, for saving a compiled model.</summary>
    internal abstract Dictionary<string, double> Config();

    public virtual void Dispose()
    {
        _gradScale?.Dispose();
        _partials?.Dispose();
        _tensorScale?.Dispose();
        foreach (var t in _state.Values)
            t.Dispose();
        _state.Clear();
    }
}
