using GpuLstm.Device;
using GpuLstm.Memory;

namespace GpuLstm.Optimizers;

/// <summary>
/// Every trainable weight of a model as named slices of one device allocation, with their gradients
/// as slices of a second one: an optimizer updates all of them in a single fused launch.
/// </summary>
public sealed class ParameterSet : IDisposable
{
    private readonly List<Tensor> _parameters = new();
    private readonly Dictionary<string, Tensor> _byName = new();

    public ParameterSet(ComputeDevice device, IEnumerable<(string Name, int[] Shape)> specs)
    {
        Device = device;
        var list = specs.ToList();
        if (list.Count == 0)
            throw new ArgumentException("ParameterSet: no parameters given.");
        // Sizes in 64 bits, checked before anything is allocated.
        long total = 0;
        foreach (var (name, shape) in list)
        {
            ShapeUtil.Validate(shape, $"ParameterSet: weight '{name}'");
            total += ShapeUtil.Elements(shape);
        }
        int length = ShapeUtil.BufferLength(total, $"ParameterSet: the {list.Count} weights together ({string.Join(", ", list.Select(s => s.Name))}; one buffer holds them all)");
        try
        {
            Values = Tensor.Allocate(device, [length], "parameters");      // [total]
            Grads = Tensor.Allocate(device, [length], "gradients");        // [total]
            long offset = 0;
            foreach (var (name, shape) in list)
            {
                if (_byName.ContainsKey(name))
                    throw new ArgumentException($"ParameterSet: duplicate parameter name '{name}'.");
                var p = Values.Slice(offset, shape, name);
                p.RequiresGrad = true;
                p.Grad = Grads.Slice(offset, shape, name + ".grad");
                _parameters.Add(p);
                _byName[name] = p;
                offset += p.Length;
            }
        }
        catch
        {
            Free(); // nothing stays allocated, not even in the pool's cache
            throw;
        }
    }

    public ComputeDevice Device { get; }
    public Tensor Values { get; } = null!;
    public Tensor Grads { get; } = null!;
    public IReadOnlyList<Tensor> Parameters => _parameters;
    public long Count => Values.Length;

    public Tensor this[string name] => _byName.TryGetValue(name, out var p)
        ? p
        : throw new KeyNotFoundException($"ParameterSet: no parameter named '{name}'. Present: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Starts a new accumulation: costs no launch, the next backward overwrites.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
            p.GradValid = false;
    }

    /// <summary>Zeroes the gradient slices no backward wrote, so an update never reads stale values.</summary>
    internal void MaterializeGrads()
    {
        foreach (var p in _parameters)
        {
            if (p.GradValid)
                continue;
            p.Grad!.Fill(0f);
            p.GradValid = true;
        }
    }

    public void Dispose()
    {
        Grads.Dispose();
        Values.Dispose();
    }

    /// <summary>Frees both buffers back to the device (clean-up of a set that failed to build or bind).</summary>
    internal void Free()
    {
        Grads?.Free();
        Values?.Free();
    }
}
