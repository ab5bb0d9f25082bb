namespace GpuLstm.Layers;

/// <summary>A recurrent layer whose only state is h (GRU, SimpleRNN).</summary>
public abstract class SingleStateRecurrentLayer : RecurrentLayer
{
    private protected SingleStateRecurrentLayer(int units, float dropout, float recurrentDropout, bool returnSequences,
        bool returnState, bool goBackwards, bool stateful, string? name, (int Steps, int Features)? inputShape, string kerasClassName)
        : base(units, dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, name, inputShape, kerasClassName)
    {
    }

    public override int StateCount => 1;
}
