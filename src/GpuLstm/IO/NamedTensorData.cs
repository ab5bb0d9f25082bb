namespace GpuLstm.IO;

/// <summary>
/// A named host-side tensor: row-major <paramref name="Data"/> of shape <paramref name="Shape"/>
/// (an empty shape is a scalar of one element).
/// </summary>
public sealed record NamedTensorData(string Name, int[] Shape, float[] Data);
