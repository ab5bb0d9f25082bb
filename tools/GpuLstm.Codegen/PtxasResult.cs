namespace GpuLstm.Codegen;

/// <summary>What ptxas said about one PTX module (from <c>ptxas -v</c>).</summary>
/// <param name="Ok">ptxas exited 0.</param>
/// <param name="Registers">Registers per thread of the entry function, when reported.</param>
/// <param name="SpillStoreBytes">Spill stores, summed over every function in the module.</param>
/// <param name="SpillLoadBytes">Spill loads, summed over every function in the module.</param>
/// <param name="StackFrameBytes">Largest stack frame of any function in the module.</param>
/// <param name="SharedMemoryBytes">Static shared memory of the entry function.</param>
/// <param name="Verdict">"ok", or ptxas's error text.</param>
/// <param name="Output">ptxas's full output, for diagnostics.</param>
public sealed record PtxasResult(
    bool Ok,
    int? Registers,
    int SpillStoreBytes,
    int SpillLoadBytes,
    int StackFrameBytes,
    int SharedMemoryBytes,
    string Verdict,
    string Output)
{
    /// <summary>Spill stores plus spill loads.</summary>
    public int SpillBytes => SpillStoreBytes + SpillLoadBytes;
}
