namespace GpuLstm.Ops;

/// <summary>How two equal-shape tensors are combined (Keras Bidirectional merge_mode).</summary>
public enum MergeMode
{
    Concat,
    Sum,
    Mul,
    Ave,
}

/// <summary>Keras names of <see cref="MergeMode"/>; an unknown name is an error listing the valid ones.</summary>
public static class MergeModes
{
    public static MergeMode Parse(string name, string owner) => name.Trim().ToLowerInvariant() switch
    {
        "concat" => MergeMode.Concat,
        "sum" => MergeMode.Sum,
        "mul" => MergeMode.Mul,
        "ave" => MergeMode.Ave,
        _ => throw new ArgumentException($"{owner}: unknown merge mode '{name}'; expected concat, sum, mul or ave."),
    };

    public static string Name(MergeMode mode) => mode.ToString().ToLowerInvariant();
}
