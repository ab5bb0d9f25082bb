using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// Row gathers and their deterministic backward. Indices are stored as floats (GpuLstm's tensors
/// are float32): exact for every index below 2^24, which the host checks.
/// </summary>
public static class IndexKernels
{
    /// <summary>dst[r, :] = src[indices[r], :]: batches from a device-resident data set, embedding lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GatherRows(Index1D index, int launched, int rows, int rowLength,
        ArrayView<float> indices,   // [rows]
        ArrayView<float> src,       // [*, rowLength]
        ArrayView<float> dst)       // [rows, rowLength]
    {
        long total = (long)rows * rowLength;
        for (long e = index; e < total; e += launched)
        {
            int r = (int)(e / rowLength);
            int c = (int)(e - (long)r * rowLength);
            dst[e] = src[(long)indices[r] * rowLength + c];
        }
    }

    /// <summary>
    /// dst[indices[r], :] += src[r, :] for every r, in increasing r: one work item per column, so
    /// repeated indices accumulate in a fixed order without atomics (bit-reproducible gradients).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScatterAddRows(Index1D index, int launched, int rows, int rowLength,
        ArrayView<float> indices,   // [rows]
        ArrayView<float> src,       // [rows, rowLength]
        ArrayView<float> dst)       // [*, rowLength], already initialised
    {
        for (int c = index; c < rowLength; c += launched)
        {
            for (int r = 0; r < rows; r++)
                dst[(long)indices[r] * rowLength + c] += src[(long)r * rowLength + c];
        }
    }
}
