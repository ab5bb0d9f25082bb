namespace GpuLstm.Ops;

/// <summary>The engine a device will use, and the warning to print when that is an automatic fall-back.</summary>
public sealed record GemmDecision(GemmEngineKind Engine, string? Warning)
{
    public string EngineName => Engine switch
    {
        GemmEngineKind.CuBlas => "cublas",
        GemmEngineKind.OpenBlas => "openblas",
        _ => "ilgpu",
    };
}
