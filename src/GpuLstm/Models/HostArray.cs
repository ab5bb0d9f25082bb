using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>
/// A host-side float array with a shape, the C# stand-in for the NumPy arrays Keras takes:
/// C# multi-dimensional arrays convert to it implicitly (x as float[,,], y as float[,] or float[]).
/// </summary>
public sealed class HostArray
{
    public HostArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Length == 0 || shape.Any(d => d < 0) || ShapeUtil.Elements(shape) != data.Length)
            throw new ArgumentException($"HostArray: {data.Length} values do not fill shape {ShapeUtil.Format(shape)}.");
        Data = data;
        Shape = shape;
    }

    public float[] Data { get; }
    public int[] Shape { get; }

    /// <summary>Number of samples (the first axis).</summary>
    public int Count => Shape[0];

    /// <summary>Elements per sample.</summary>
    public int SampleLength => Count == 0 ? 0 : Data.Length / Count;

    /// <summary>Element [i0, i1, ...] (row-major).</summary>
    public float this[params int[] index]
    {
        get
        {
            long flat = 0;
            for (int a = 0; a < Shape.Length; a++)
                flat = flat * Shape[a] + index[a];
            return Data[flat];
        }
    }

    public static implicit operator HostArray(float[] a) => new(a, a.Length);

    public static implicit operator HostArray(float[,] a) => new(Flatten<float>(a), a.GetLength(0), a.GetLength(1));

    public static implicit operator HostArray(float[,,] a) => new(Flatten<float>(a), a.GetLength(0), a.GetLength(1), a.GetLength(2));

    public static implicit operator HostArray(int[,] a) => new(Flatten<int>(a).Select(v => (float)v).ToArray(), a.GetLength(0), a.GetLength(1));

    /// <summary>Samples [start, start + count) as a new array.</summary>
    public HostArray Rows(int start, int count)
    {
        int len = SampleLength;
        var shape = Shape.ToArray();
        shape[0] = count;
        return new HostArray(Data.AsSpan(start * len, count * len).ToArray(), shape);
    }

    private static T[] Flatten<T>(Array a)
    {
        var result = new T[a.Length];
        int i = 0;
        foreach (T v in a)
            result[i++] = v;
        return result;
    }
}
