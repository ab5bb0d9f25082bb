using GpuLstm.Autograd;
using GpuLstm.Memory;

namespace GpuLstm.Ops;

/// <summary>
/// Embedding lookup: out[..., :] = table[tokens[...], :]. Forward and backward side by side.
/// Token ids are stored as floats and must be integers in [0, V): they are read only on the device
/// (a step makes no host transfers), so they are not checked here; callers validate host data
/// before uploading it. No gradient flows to the token ids.
/// </summary>
public static class EmbeddingOp
{
    // Float token ids are exact integers only below 2^24.
    private const int MaxExactIndex = 1 << 24;

    /// <param name="tokens">[B, T] (any shape) token ids stored as floats</param>
    /// <param name="table">[V, D]</param>
    /// <returns>[B, T, D] (tokens' shape with D appended)</returns>
    public static Tensor Forward(Tape tape, Tensor tokens, Tensor table, string name = "embedding")
    {
        ShapeUtil.ExpectRank(name, "table", table.Shape, 2, "[input_dim, output_dim]");
        int vocabulary = table.Shape[0], dim = table.Shape[1];
        if (vocabulary > MaxExactIndex)
            throw new ArgumentException(
                $"{name}: table {ShapeUtil.Format(table.Shape)} has more than {MaxExactIndex} rows; float token ids are exact only below that.");
        int rows = (int)tokens.Length;
        int[] shape = [.. tokens.Shape, dim];
        var device = tape.Device;
        var y = tape.NewTensor(shape, name + ".out");                 // [rows, D]
        y.RequiresGrad = table.RequiresGrad;
        int n = device.Threads((long)rows * dim);
        device.Kernels.GatherRows(n, n, rows, dim, tokens.View, table.View, y.View);
        tape.Record(name, () => Backward(tape, tokens, table, y, rows));
        return y;
    }

    private static void Backward(Tape tape, Tensor tokens, Tensor table, Tensor y, int rows)
    {
        if (!y.GradValid || !table.RequiresGrad)
            return;
        var device = tape.Device;
        int dim = table.Shape[1];
        var (gt, beta) = tape.GradFor(table);                         // [V, D] += scatter(dy)
        // Rows no token hit get no contribution, so a first write starts from zeros.
        if (beta == 0f)
            Elementwise.Fill(device, gt.View, 0f);
        // ScatterAddRows gives each work item whole columns (fixed order over rows, no atomics):
        // more items than columns would idle.
        int n = Math.Min(device.Threads((long)rows * dim), dim);
        device.Kernels.ScatterAddRows(n, n, rows, dim, tokens.View, y.Grad!.View, gt.View);
    }

    /// <summary>1 where the token id is not 0 (Keras mask_zero), same shape as the ids; carries no gradient.</summary>
    public static Tensor PaddingMask(Tape tape, Tensor tokens)
    {
        var device = tape.Device;
        var mask = tape.NewTensor(tokens.Shape, "padding_mask");
        int n = device.Threads(tokens.Length);
        device.Kernels.NonZeroMask(n, n, (int)tokens.Length, tokens.View, mask.View);
        return mask;
    }
}
