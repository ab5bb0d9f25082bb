
namespace GpuLstm.Device;

/// <summary>Builds the GEMM engine <see cref="GemmEngineChoice"/> decides on for a device.</summary>
internal static class GemmEngines
{
    public static GemmDecision Decide(DeviceKind kind, ComputeDeviceOptions options) =>
        GemmEngineChoice.Decide(kind, options.ResolveGemm(),
            options.CuBlasProbe ?? CuBlasLibrary.Probe, options.OpenBlasProbe ?? OpenBlasGemmEngine.Probe);

    /// <summary>The engine for a decision made (and reported) when the device was created.</summary>
    public static IGemmEngine Create(ComputeDevice device, GemmDecision decision, bool tf32)
    {
        return decision.Engine switch
        {
            GemmEngineKind.CuBlas => CuBlasGemmEngine.Create(device, tf32),
            GemmEngineKind.OpenBlas => OpenBlasGemmEngine.Create(device),
            _ => new IlgpuGemmEngine(device),
        };
    }
}
