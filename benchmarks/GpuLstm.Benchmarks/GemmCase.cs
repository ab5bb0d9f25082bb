namespace GpuLstm.Benchmarks;

/// <summary>
/// One GEMM of an LSTM training step as LstmSequenceOp issues it: row-major C[M, N] = op(A) op(B) + beta C,
/// op(A) [M, K] transposed when <paramref name="TransA"/>, op(B) [K, N] when <paramref name="TransB"/>.
/// </summary>
public sealed record GemmCase(string Shape, string Role, int M, int N, int K, bool TransA, bool TransB, float Beta)
{
    public double Flop => 2.0 * M * N * K;

    public string Name => $"{Shape} {Role} [{M}x{K}]{(TransA ? "^T" : "")}x[{K}x{N}]{(TransB ? "^T" : "")}";

    /// <summary>The GEMMs of one step at batch B, T steps, I inputs, H units (no dropout, x without gradient).</summary>
    public static IEnumerable<GemmCase> OfStep(string shape, int b, int t, int i, int h)
    {
        yield return new(shape, "fwd x*W", t * b, 4 * h, i, false, false, 0f);       // gates[T*B, 4H] = x W
        yield return new(shape, "fwd h*U", b, 4 * h, h, false, false, 1f);           // per step: gates_t += h_t U
        yield return new(shape, "bwd dG*U^T", b, h, 4 * h, false, true, 0f);         // per step: dh = dGates_t U^T
        // The same two per-step products with U stored the other way round ([4H, H], as PyTorch's weight_hh).
        yield return new(shape, "fwd h*U, U stored [4H,H]", b, 4 * h, h, false, true, 1f);
        yield return new(shape, "bwd dG*U^T, U stored [4H,H]", b, h, 4 * h, false, false, 0f);
        yield return new(shape, "bwd x^T*dG", i, 4 * h, t * b, true, false, 0f);     // dW [I, 4H] = x^T dG
        if (i != h)
            yield return new(shape, "bwd h^T*dG", h, 4 * h, t * b, true, false, 0f); // dU [H, 4H] = h^T dG
    }

    /// <summary>
    /// The small (B32_T10_I50_H128), large (B64_T100_I256_H256) and xl (B64_T100_I512_H512) steps of `gpulstm bench`,
    /// and per-step products between small and large (B64/H128 and B32/H256) to place the thread threshold.
    /// </summary>
    public static IReadOnlyList<GemmCase> All { get; } =
    [
        .. OfStep("small", 32, 10, 50, 128),
        new("B64,H128", "fwd h*U", 64, 512, 128, false, false, 1f),
        new("B32,H256", "fwd h*U", 32, 1024, 256, false, false, 1f),
        .. OfStep("large", 64, 100, 256, 256),
        .. OfStep("xl", 64, 100, 512, 512),
    ];
}
