using GpuLstm.Device;

namespace GpuLstm.Ops;

/// <summary>Builds the GEMM engine <see cref="GemmEngineChoice"/> decides on for a device.</summary>
internal static class GemmEngines
{
    public static GemmDecision Decide(DeviceKind kind, ComputeDeviceOptions options) =>
        GemmEngineChoice.Decide(kind, options.ResolveGemm(),
            options.CuBlasProbe ?? CuBlasLibrary.Probe, options.OpenBlasProbe ?? OpenBlasGemmEngine.Probe);

    public static IGemmEngine Create(ComputeDevice device, ComputeDeviceOptions options)
    {
        var decision = Decide(device.Kind, options);
        if (decision.Warning is { } warning)
            DeviceWarnings.Emit(options, warning);
        return decision.Engine switch
        {
            GemmEngineKind.CuBlas => CuBlasGemmEngine.Create(device, options.ResolveTf32()),
            GemmEngineKind.OpenBlas => OpenBlasGemmEngine.Create(device),
            _ => new IlgpuGemmEngine(device),
        };
    }
}
