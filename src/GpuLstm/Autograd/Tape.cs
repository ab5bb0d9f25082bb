using GpuLstm.Device;
using GpuLstm.Memory;

namespace GpuLstm.Autograd;

/// <summary>
/// Records ops on device tensors as a flat list; <see cref="Backward(Memory.Tensor)"/> walks it in reverse with a
/// plain loop, so a sequence of thousands of steps needs no recursion. The tape owns every tensor
/// an op creates (outputs, saved activations, gradients) until <see cref="Reset"/>, which hands
/// them back to the pool so the next step reuses the same memory.
/// </summary>
public sealed class Tape : IDisposable
{
    private readonly List<TapeEntry> _entries = new();
    private readonly List<Tensor> _owned = new();
    private readonly List<Tensor> _gradHolders = new();
    private int _noGradDepth;

    public Tape(ComputeDevice device) => Device = device;

    public ComputeDevice Device { get; }

    /// <summary>False inside <see cref="NoGrad"/>: ops run forward only and record nothing.</summary>
    public bool IsRecording => _noGradDepth == 0;

    public int Count => _entries.Count;

    /// <summary>Inference mode until the returned scope is disposed.</summary>
    public IDisposable NoGrad()
    {
        _noGradDepth++;
        return new Scope(() => _noGradDepth--);
    }

    /// <summary>A pooled tensor that lives until <see cref="Reset"/>.</summary>
    public Tensor NewTensor(IReadOnlyList<int> shape, string name)
    {
        var t = Tensor.Allocate(Device, shape, name);
        _owned.Add(t);
        return t;
    }

    /// <summary>Keeps a tensor (e.g. a view, or an upload for this step) alive until <see cref="Reset"/>, which disposes it.</summary>
    public Tensor Own(Tensor tensor)
    {
        _owned.Add(tensor);
        return tensor;
    }

    internal void Record(string op, Action backward)
    {
        if (IsRecording)
            _entries.Add(new TapeEntry(op, backward));
    }

    /// <summary>
    /// The gradient buffer of <paramref name="t"/>, created on first use, and the beta to write it
    /// with: 0 overwrites (first contribution), 1 accumulates.
    /// </summary>
    internal (Tensor Grad, float Beta) GradFor(Tensor t)
    {
        if (t.Grad is null)
        {
            t.Grad = NewTensor(t.Shape, t.Name + ".grad");
            _gradHolders.Add(t);
        }
        float beta = t.GradValid ? 1f : 0f;
        t.GradValid = true;
        return (t.Grad, beta);
    }

    /// <summary>Installs a ready-made gradient without copying (the tape already owns it).</summary>
    internal void AdoptGrad(Tensor t, Tensor grad)
    {
        t.Grad = grad;
        t.GradValid = true;
        _gradHolders.Add(t);
    }

    /// <summary>Backpropagates from a loss produced by a loss op (the seed d(loss)/d(loss) is 1).</summary>
    public void Backward(Tensor loss)
    {
        if (loss.Length != 1)
            throw new ArgumentException($"Backward: the loss must be a scalar, got {loss.Name} {ShapeUtil.Format(loss.Shape)}.");
        if (_entries.Count == 0)
            throw new InvalidOperationException("Backward: the tape is empty (was the forward pass run under NoGrad?).");
        loss.GradValid = true;
        for (int i = _entries.Count - 1; i >= 0; i--)
            _entries[i].Backward();
        _entries.Clear();
    }

    /// <summary>
    /// Backpropagates given gradients of chosen outputs (like torch.autograd.backward with
    /// grad_tensors): each seed is added into its output's gradient before the reverse walk.
    /// </summary>
    public void Backward(params (Tensor Output, Tensor Grad)[] seeds)
    {
        if (_entries.Count == 0)
            throw new InvalidOperationException("Backward: the tape is empty (was the forward pass run under NoGrad?).");
        foreach (var (output, grad) in seeds)
        {
            ShapeUtil.Expect("Backward", $"seed gradient for {output.Name}", grad.Shape, output.Shape);
            var (target, beta) = GradFor(output);
            // target = grad + beta * target, launched directly: the tape sits below the ops.
            int n = Device.Threads(grad.Length);
            Device.Kernels.Axpby(n, n, (int)grad.Length, 1f, beta, grad.View, target.View);
        }
        for (int i = _entries.Count - 1; i >= 0; i--)
            _entries[i].Backward();
        _entries.Clear();
    }

    /// <summary>Returns every op-created tensor to the pool and forgets the recorded ops.</summary>
    public void Reset()
    {
        _entries.Clear();
        foreach (var t in _gradHolders)
        {
            t.Grad = null;
            t.GradValid = false;
        }
        _gradHolders.Clear();
        foreach (var t in _owned)
            t.Dispose();
        _owned.Clear();
    }

    public void Dispose() => Reset();

    private readonly record struct TapeEntry(string Op, Action Backward);

    private sealed class Scope(Action onDispose) : IDisposable
    {
        private Action? _onDispose = onDispose;

        public void Dispose()
        {
            _onDispose?.Invoke();
            _onDispose = null;
        }
    }
}
