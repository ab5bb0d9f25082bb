using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>What a GRU or SimpleRNN sequence returns: every step's h and the final h.</summary>
public sealed record RecurrentSequenceOutputs(
    Tensor Sequence,     // [T, B, H] h_1 .. h_T
    Tensor FinalHidden); // [B, H]    h_T
