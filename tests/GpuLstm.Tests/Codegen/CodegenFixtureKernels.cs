using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuLstm.Tests.Codegen.Fixtures;

/// <summary>
/// Small kernels of the test assembly: they exercise the catalog's discovery rules and the
/// compile/assemble pipeline independently of the production kernels.
/// </summary>
public static class FixtureKernels
{
    /// <summary>Implicitly grouped: first parameter is an index.</summary>
    public static void Scale(Index1D index, float alpha, ArrayView<float> x)
    {
        if (index < x.Length)
            x[index] = alpha * x[index];
    }

    /// <summary>Explicitly grouped with static shared memory, so ptxas reports smem.</summary>
    public static void BlockSum(ArrayView<float> input, ArrayView<float> output)
    {
        var tile = SharedMemory.Allocate<float>(128);
        int tid = Group.IdxX;
        int global = Grid.IdxX * Group.DimX + tid;
        tile[tid] = global < input.Length ? input[global] : 0f;
        Group.Barrier();
        for (int stride = Group.DimX / 2; stride > 0; stride /= 2)
        {
            if (tid < stride)
                tile[tid] += tile[tid + stride];
            Group.Barrier();
        }
        if (tid == 0)
            output[Grid.IdxX] = tile[0];
    }

    /// <summary>Overload of <see cref="Scale(Index1D, float, ArrayView{float})"/>: must get its own name.</summary>
    public static void Scale(Index1D index, double alpha, ArrayView<double> x)
    {
        if (index < x.Length)
            x[index] = alpha * x[index];
    }

    /// <summary>Not a kernel: returns a value.</summary>
    public static float Helper(float x) => x * 2f;

    /// <summary>Not a kernel: compiler generated.</summary>
    [CompilerGenerated]
    public static void Generated(Index1D index, ArrayView<float> x) => x[index] = 0f;

    /// <summary>Not a kernel: not public.</summary>
    internal static void Hidden(Index1D index, ArrayView<float> x) => x[index] = 0f;
}

/// <summary>Not scanned: the class is not static.</summary>
public sealed class NotAKernelClass
{
    public static void Looks(Index1D index, ArrayView<float> x) => x[index] = 1f;
}

/// <summary>Not scanned: the class is not public.</summary>
internal static class InternalKernels
{
    public static void Looks(Index1D index, ArrayView<float> x) => x[index] = 1f;
}
