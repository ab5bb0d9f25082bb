using GpuLstm.Autograd;

namespace GpuLstm.Layers;

/// <summary>What a layer's forward pass may use: the tape, whether it is training, and a seeded RNG.</summary>
public sealed class LayerContext(Tape tape, bool training, Random random)
{
    public Tape Tape { get; } = tape;
    public bool Training { get; } = training;

    /// <summary>
    /// The padding mask [B, T] (1 = real step) flowing with the activations, as Keras propagates masks:
    /// set by Embedding(maskZero), used by LSTM, passed on by layers that keep the time axis.
    /// </summary>
    public Memory.Tensor? Mask { get; set; }

    /// <summary>Seeds per-step randomness (dropout masks) so the same model seed gives the same run.</summary>
    public Random Random { get; } = random;
}
