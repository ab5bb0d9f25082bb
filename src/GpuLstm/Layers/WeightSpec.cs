namespace GpuLstm.Layers;

/// <summary>A weight a layer needs: name relative to the layer, shape, and its initial values.</summary>
public sealed record WeightSpec(string Name, int[] Shape, Func<Random, float[]> Initialize);
