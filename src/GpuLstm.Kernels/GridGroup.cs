using ILGPU;

namespace GpuLstm.Kernels;

/// <summary>
/// One group of a grid recurrence kernel: its slice of U staged in shared memory, the partial sums and (TF32) the
/// products there too, and how its threads map onto the slice's elements (b, jl): Split neighbouring threads per
/// element, PerPass elements per pass over the Elements = B x Units of the slice. The LSTM and GRU kernels share it.
/// </summary>
internal struct GridGroup
{
    public ArrayView<float> Slice;    // forward [H, gates Units + 1], backward [Units, gates H + 1]
    public ArrayView<float> Partials; // [group size, 4]
    public ArrayView<float> Products; // TF32: forward [B, gates Units], backward [B, Units]; else Partials (unused)
    public int Hidden, Batch, Gates, Units, Split, Part, Own, J0, Elements, PerPass;
    public bool Tf32;

    /// <summary>Stages the forward slice (U's columns of this group's units) and returns the group, after a group barrier.</summary>
    public static GridGroup Columns(ArrayView<float> recurrentKernel, int hidden, int batch, int gates, RecurrenceGrid grid, bool tf32)
    {
        var g = Create(hidden, batch, gates, grid, tf32, sliceLength: hidden * (gates * grid.Units + 1), products: batch * gates * grid.Units);
        GridSteps.StageColumns(g.Slice, recurrentKernel, hidden, gates, g.Units, g.J0);
        Group.Barrier();
        return g;
    }

    /// <summary>Stages the backward slice (U's rows of this group's units) and returns the group, after a group barrier.</summary>
    public static GridGroup Rows(ArrayView<float> recurrentKernel, int hidden, int batch, int gates, RecurrenceGrid grid, bool tf32)
    {
        var g = Create(hidden, batch, gates, grid, tf32, sliceLength: grid.Units * (gates * hidden + 1), products: batch * grid.Units);
        GridSteps.StageRows(g.Slice, recurrentKernel, hidden, gates, g.Units, g.J0);
        Group.Barrier();
        return g;
    }

    /// <summary>Element (b, jl) of pass <paramref name="first"/> for this thread; live when it exists (the last group may be short).</summary>
    public readonly bool Element(int first, out int b, out int jl)
    {
        int el = first + Own;
        b = el / Units;
        jl = el - b * Units;
        return el < Elements && J0 + jl < Hidden;
    }

    /// <summary>
    /// The per-gate sums h_{t-1}[b] U[:, unit jl] for the element's first thread (zeros where it does not compute).
    /// Every thread of the group calls it once per pass (group barriers inside).
    /// </summary>
    public readonly GateSums ForwardSums(bool computes, int b, int jl, ArrayView<float> hPrev, ArrayView<float> recurrentMask, bool dropout)
    {
        var mine = !computes ? default
            : Tf32 ? (Part == 0 ? GridSteps.ReadColumns(Products, Gates, Units, b, jl) : default)
            : GridSteps.ColumnProducts(Slice, hPrev, recurrentMask, dropout, Hidden, Gates, Units, b, jl, Part, Split);
        return GridSteps.Combine(Partials, mine, Part, Split);
    }

    /// <summary>
    /// The per-gate sums dNext[b] U[unit jl, :]^T for the element's first thread (TF32: all gates summed in A).
    /// Every thread of the group calls it once per pass (group barriers inside).
    /// </summary>
    public readonly GateSums BackwardSums(bool computes, int b, int jl, ArrayView<float> dNext)
    {
        var mine = !computes ? default
            : Tf32 ? (Part == 0 ? new GateSums { A = Products[b * Units + jl] } : default)
            : GridSteps.RowProducts(Slice, dNext, Hidden, Gates, b, jl, Part, Split);
        return GridSteps.Combine(Partials, mine, Part, Split);
    }

    /// <summary>TF32 only: this step's products for the whole group (forward from h_{t-1}, backward from dNext), then a group barrier.</summary>
    public readonly void Tf32Products(bool rows, ArrayView<float> a)
    {
        if (Tf32)
            GridSteps.Tf32Step(rows, a, Slice, Products, Batch, Hidden, Gates, Units);
    }

    private static GridGroup Create(int hidden, int batch, int gates, RecurrenceGrid grid, bool tf32, int sliceLength, int products)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var partials = shared.SubView(sliceLength, Group.DimX * 4);
        return new GridGroup
        {
            Slice = shared.SubView(0, sliceLength), Partials = partials,
            Products = tf32 ? shared.SubView(sliceLength + Group.DimX * 4, products) : partials,
            Hidden = hidden, Batch = batch, Gates = gates, Units = grid.Units, Split = grid.SplitK,
            Part = Group.IdxX % grid.SplitK, Own = Group.IdxX / grid.SplitK, J0 = Grid.IdxX * grid.Units,
            Elements = batch * grid.Units, PerPass = Group.DimX / grid.SplitK, Tf32 = tf32,
        };
    }
}
