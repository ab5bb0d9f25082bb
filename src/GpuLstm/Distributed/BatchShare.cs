namespace GpuLstm.Distributed;

/// <summary>
/// Which rows of a global batch a rank trains on: contiguous, split as evenly as the count allows, the
/// same on every rank for the same (rank, size). A rank's share may be empty (a last batch smaller
/// than the number of ranks); it still takes part in every collective.
/// </summary>
public readonly record struct BatchShare(int Start, int Count)
{
    /// <summary>Rank <paramref name="rank"/> of <paramref name="size"/>'s share of rows [start, start + count).</summary>
    public static BatchShare Of(int start, int count, int rank, int size)
    {
        if (size < 1 || rank < 0 || rank >= size)
            throw new ArgumentOutOfRangeException(nameof(rank), $"rank {rank} of {size}: expected 0 <= rank < size and size >= 1");
        long first = (long)count * rank / size, end = (long)count * (rank + 1) / size;
        return new BatchShare(start + (int)first, (int)(end - first));
    }
}
