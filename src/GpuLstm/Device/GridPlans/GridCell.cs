namespace GpuLstm.Device.GridPlans;

/// <summary>The recurrent cells the grid recurrence runs: each with its gate count and its pair of kernels.</summary>
internal enum GridCell
{
    /// <summary>LSTM: gates i, f, g, o (LstmGridKernels).</summary>
    Lstm,
    /// <summary>GRU with reset_after: gates z, r, h (GruGridKernels).</summary>
    Gru,
}

internal static class GridCellExtensions
{
    public static int Gates(this GridCell cell) => cell == GridCell.Lstm ? 4 : 3;
}
