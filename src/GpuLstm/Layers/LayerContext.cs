using GpuLstm.Autograd;

namespace GpuLstm.Layers;

/// <summary>What a layer's forward pass may use: the tape, whether it is training, and a seeded RNG.</summary>
public sealed class LayerContext(Tape tape, bool training, Random random)
{
    public Tape Tape { get; } = tape;
    public bool Training { get; } = training;

    /// <summary>Seeds per-step randomness (dropout masks) so the same model seed gives the same run.</summary>
    public Random Random { get; } = random;
}
