namespace GpuLstm.Tests.Reference;

/// <summary>What the GRU and SimpleRNN references return: every step's h [T, B, H] and the final h [B, H].</summary>
public sealed record RefRecurrentResult(double[] Sequence, double[] FinalH);
