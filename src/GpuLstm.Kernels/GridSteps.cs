using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>Up to four per-gate sums of one element (LSTM i, f, g, o; GRU z, r, h and an unused fourth).</summary>
internal struct GateSums
{
    public float A, B, C, D;

    public readonly float Total => A + B + C + D;
}

/// <summary>
/// The parts the grid recurrence kernels (<see cref="LstmGridKernels"/>, <see cref="GruGridKernels"/>) share: staging a
/// group's slice of U in shared memory, the recurrent products of one element, and summing an element's split
/// partial products in a fixed order. gates is 4 (LSTM) or 3 (GRU); a [B, gates * H] row holds gate q at [q H, (q+1) H).
/// </summary>
internal static class GridSteps
{
    /// <summary>Forward slice [H, gates * units + 1]: U's columns of units j0 .. j0 + units for every gate (zero past H).</summary>
    public static void StageColumns(ArrayView<float> slice, ArrayView<float> u, int hidden, int gates, int units, int j0)
    {
        int width = gates * units, stride = width + 1;
        for (int x = Group.IdxX; x < hidden * width; x += Group.DimX)
        {
            int k = x / width, r = x - k * width, gate = r / units, jl = r - gate * units;
            slice[k * stride + r] = j0 + jl < hidden ? u[k * gates * hidden + gate * hidden + j0 + jl] : 0f;
        }
    }

    /// <summary>Backward slice [units, gates * H + 1]: U's rows j0 .. j0 + units (zero past H).</summary>
    public static void StageRows(ArrayView<float> slice, ArrayView<float> u, int hidden, int gates, int units, int j0)
    {
        int width = gates * hidden, stride = width + 1;
        for (int x = Group.IdxX; x < units * width; x += Group.DimX)
        {
            int jl = x / width, col = x - jl * width;
            slice[jl * stride + col] = j0 + jl < hidden ? u[(j0 + jl) * width + col] : 0f;
        }
    }

    /// <summary>
    /// Part <paramref name="part"/> of h_{t-1}[b] U for unit jl of the slice, per gate: k = part, part + split, ...
    /// With recurrent dropout gate q reads h_{t-1} * recurrentMask[b, q H + k].
    /// </summary>
    public static GateSums ColumnProducts(ArrayView<float> slice, ArrayView<float> hPrev, ArrayView<float> recurrentMask, bool dropout,
        int hidden, int gates, int units, int b, int jl, int part, int split)
    {
        var s = default(GateSums);
        int stride = gates * units + 1, row = b * gates * hidden;
        for (int k = part; k < hidden; k += split)
        {
            float h = hPrev[b * hidden + k];
            int at = k * stride + jl;
            s.A += (dropout ? h * recurrentMask[row + k] : h) * slice[at];
            s.B += (dropout ? h * recurrentMask[row + hidden + k] : h) * slice[at + units];
            s.C += (dropout ? h * recurrentMask[row + 2 * hidden + k] : h) * slice[at + 2 * units];
            if (gates == 4)
                s.D += (dropout ? h * recurrentMask[row + 3 * hidden + k] : h) * slice[at + 3 * units];
        }
        return s;
    }

    /// <summary>Part <paramref name="part"/> of dGates_{t+1}[b] U[j]^T per gate (the grad of h_t that each gate's product carries).</summary>
    public static GateSums RowProducts(ArrayView<float> slice, ArrayView<float> dGatesNext, int hidden, int gates, int b, int jl, int part, int split)
    {
        var s = default(GateSums);
        int row = b * gates * hidden, at = jl * (gates * hidden + 1);
        for (int col = part; col < hidden; col += split)
        {
            s.A += dGatesNext[row + col] * slice[at + col];
            s.B += dGatesNext[row + hidden + col] * slice[at + hidden + col];
            s.C += dGatesNext[row + 2 * hidden + col] * slice[at + 2 * hidden + col];
            if (gates == 4)
                s.D += dGatesNext[row + 3 * hidden + col] * slice[at + 3 * hidden + col];
        }
        return s;
    }

    /// <summary>
    /// Leaves the whole sums in the first of each element's split threads: every thread stores its part, then the
    /// first adds its neighbours' in lane order. Every thread of the group must call it (it holds two group barriers).
    /// </summary>
    public static GateSums Combine(ArrayView<float> partials, GateSums mine, int part, int split)
    {
        int lane = Group.IdxX;
        partials[lane * 4] = mine.A;
        partials[lane * 4 + 1] = mine.B;
        partials[lane * 4 + 2] = mine.C;
        partials[lane * 4 + 3] = mine.D;
        // Barriers outside any branch: inside `if (split > 1)` PoCL 6 summed wrongly (one group, seen in the tests).
        Group.Barrier();
        if (part == 0)
            for (int p = 1; p < split; p++)
            {
                int at = (lane + p) * 4;
                mine.A += partials[at];
                mine.B += partials[at + 1];
                mine.C += partials[at + 2];
                mine.D += partials[at + 3];
            }
        Group.Barrier(); // the next pass stores into the partials again
        return mine;
    }

    /// <summary>Element (b, jl)'s per-gate sums from the TF32 product [B, gates Units] (forward).</summary>
    public static GateSums ReadColumns(ArrayView<float> products, int gates, int units, int b, int jl)
    {
        int at = b * gates * units + jl;
        return new GateSums
        {
            A = products[at], B = products[at + units], C = products[at + 2 * units], D = gates == 4 ? products[at + 3 * units] : 0f,
        };
    }

    /// <summary>
    /// The TF32 path's products of one step for the whole group, into shared memory, then a group barrier. Forward
    /// (rows = false): h_{t-1} [B, H] x the slice [H, gates Units] into [B, gates Units]; backward (rows = true):
    /// dGates_{t+1} [B, gates H] x the slice^T [gates H, Units] into [B, Units] (all gates summed: no dropout here).
    /// </summary>
    public static void Tf32Step(bool rows, ArrayView<float> a, ArrayView<float> slice, ArrayView<float> products, int batch, int hidden,
        int gates, int units)
    {
        if (rows)
            Tf32Tiles.Product(a, gates * hidden, slice, 1, gates * hidden + 1, batch, units, gates * hidden, products, units);
        else
            Tf32Tiles.Product(a, hidden, slice, gates * units + 1, 1, batch, gates * units, hidden, products, gates * units);
        Group.Barrier();
    }

    /// <summary>The (dropout-folded) recurrent grad of h_t: each gate's product times that gate's mask, or their sum.</summary>
    public static float Fold(GateSums p, ArrayView<float> recurrentMask, bool dropout, int at, int hidden, int gates) =>
        !dropout ? p.Total
            : p.A * recurrentMask[at] + p.B * recurrentMask[at + hidden] + p.C * recurrentMask[at + 2 * hidden]
              + (gates == 4 ? p.D * recurrentMask[at + 3 * hidden] : 0f);
}
