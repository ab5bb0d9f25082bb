namespace GpuLstm.Device;

/// <summary>The engine a device will use, and the warning to print when that is an automatic fall-back.</summary>
/// <param name="Library">The native library file that loaded (cuBLAS/OpenBLAS); null for GpuLstm's kernel.</param>
public sealed record GemmDecision(GemmEngineKind Engine, string? Warning, string? Library = null)
{
    public string EngineName => GemmEngineChoice.Name(Engine);
}
