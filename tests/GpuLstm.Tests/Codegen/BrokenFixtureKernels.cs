using ILGPU;

namespace GpuLstm.Tests.Codegen.BrokenFixtures;

/// <summary>
/// Kernels that generate PTX ptxas must reject under some context setting; kept out of the
/// <c>Fixtures</c> namespace so catalog tests do not discover them.
/// </summary>
public static class BrokenFixtureKernels
{
    /// <summary>Under MathMode.Fast32BitOnly ILGPU emits tanh.approx.ftz.f32, which is not a valid PTX instruction.</summary>
    public static void FastTanh(Index1D index, ArrayView<float> x)
    {
        if (index < x.Length)
            x[index] = MathF.Tanh(x[index]);
    }
}
