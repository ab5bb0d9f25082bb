namespace GpuLstm.Models.Callbacks;

/// <summary>What Fit tells its callbacks before training (Keras <c>callback.params</c>).</summary>
/// <param name="Steps">Batches per epoch.</param>
/// <param name="Verbose">Fit's verbose: 0 silent, 1 progress bar, 2 one line per epoch.</param>
public sealed record FitParams(int Epochs, int Steps, int Verbose);
