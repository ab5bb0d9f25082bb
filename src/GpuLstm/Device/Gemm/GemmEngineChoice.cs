
namespace GpuLstm.Device;

/// <summary>
/// The rule for a device's GEMM engine, kept apart from loading so it can be checked on any machine:
/// an explicit request that cannot be met is an error naming what was tried; an automatic
/// fall-back to GpuLstm's slower kernel comes with one warning saying what was not found.
/// </summary>
public static class GemmEngineChoice
{
    public const string EnvironmentVariable = "GPULSTM_GEMM";

    private static readonly string Valid = "auto, cublas, openblas or ilgpu";

    public static GemmEngineKind Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "" or "auto" => GemmEngineKind.Auto,
        "cublas" => GemmEngineKind.CuBlas,
        "openblas" => GemmEngineKind.OpenBlas,
        "ilgpu" => GemmEngineKind.Ilgpu,
        _ => throw new ArgumentException($"{EnvironmentVariable}='{text}' is not a GEMM engine; expected {Valid}."),
    };

    /// <summary>The GPULSTM_GEMM name of an engine kind (cublas, openblas, ilgpu, auto).</summary>
    public static string Name(GemmEngineKind kind) => kind.ToString().ToLowerInvariant();

    public static GemmEngineKind FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { } text ? Parse(text) : GemmEngineKind.Auto;

    /// <summary>Decides the engine; probes run only when the decision needs them.</summary>
    public static GemmDecision Decide(DeviceKind device, GemmEngineKind requested, Func<LibraryProbe> cuBlas, Func<LibraryProbe> openBlas)
    {
        switch (requested)
        {
            case GemmEngineKind.Ilgpu:
                return new GemmDecision(GemmEngineKind.Ilgpu, null);
            case GemmEngineKind.CuBlas:
                Require(device, DeviceKind.Cuda, "cublas");
                return Loaded(cuBlas(), GemmEngineKind.CuBlas);
            case GemmEngineKind.OpenBlas:
                Require(device, DeviceKind.Cpu, "openblas");
                return Loaded(openBlas(), GemmEngineKind.OpenBlas);
        }
        return device switch
        {
            DeviceKind.Cuda => Fallback(cuBlas(), GemmEngineKind.CuBlas,
                "CUDA GEMMs use GpuLstm's ILGPU kernel, 5-10x slower; set GPULSTM_CUBLAS=/path/to/libcublas.so.N"),
            DeviceKind.Cpu => Fallback(openBlas(), GemmEngineKind.OpenBlas,
                "CPU GEMMs use GpuLstm's ILGPU kernel, up to ~20x slower (the small bench step: 338 vs 16 ms); install OpenBLAS (Debian: apt-get install libopenblas0-pthread)"),
            _ => new GemmDecision(GemmEngineKind.Ilgpu, null), // OpenCL: no vendor BLAS binding
        };
    }

    private static void Require(DeviceKind device, DeviceKind needed, string engine)
    {
        if (device != needed)
            throw new InvalidOperationException(
                $"{EnvironmentVariable}={engine} needs a {needed.ToString().ToLowerInvariant()} device, but the device is {device.ToString().ToLowerInvariant()}; use auto or ilgpu there{(device == DeviceKind.Cpu ? ", or openblas" : "")}.");
    }

    private static GemmDecision Loaded(LibraryProbe probe, GemmEngineKind engine) => probe.Found
        ? new GemmDecision(engine, null, probe.Loaded)
        : throw new InvalidOperationException($"{EnvironmentVariable}={Name(engine)}: {probe.NotFound}.");

    private static GemmDecision Fallback(LibraryProbe probe, GemmEngineKind engine, string consequence) => probe.Found
        ? new GemmDecision(engine, null, probe.Loaded)
        : new GemmDecision(GemmEngineKind.Ilgpu, $"{probe.NotFound}: {consequence}.");
}
