namespace GpuLstm.Device.Cpu;

/// <summary>
/// Splits the work of a CPU pointwise implementation across .NET's thread pool only when there is
/// enough of it to pay for waking the other threads.
/// </summary>
internal static class CpuParallel
{
    /// <summary>
    /// Elements below which one thread does the whole call. On the 2-vCPU test machine (two
    /// hyperthreads of one core, shared) two threads were slower at every LSTM step shape measured
    /// (B64 H256 forward: 8-12 ns/element against 4-4.5 on one; B32 H128 likewise) and gained nothing
    /// for Adam over 1M parameters or a [64, 100, 256] axis swap, so only calls well beyond this
    /// project's step sizes split (where machines with more real cores may gain).
    /// </summary>
    public const long MinParallelElements = 1L << 19;

    /// <summary>
    /// Runs body(first, end) over [0, rows) in contiguous blocks, one per thread when worth it; onCallingThread:
    /// all on the caller (a CPU team member, whose team already splits the work).
    /// </summary>
    public static void Rows(int rows, long elementsPerRow, Action<int, int> body, bool onCallingThread = false)
    {
        int threads = onCallingThread ? 1 : Threads(rows, rows * elementsPerRow);
        if (threads <= 1)
        {
            body(0, rows);
            return;
        }
        Parallel.For(0, threads, k => body((int)((long)rows * k / threads), (int)((long)rows * (k + 1) / threads)));
    }

    /// <summary>Runs body(first, end) over [0, count) in contiguous blocks whose bounds are multiples of 8 (whole vectors).</summary>
    public static void Range(long count, Action<long, long> body)
    {
        long vectors = (count + 7) / 8;
        int threads = Threads(vectors, count);
        if (threads <= 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, threads, k => body(Math.Min(count, vectors * k / threads * 8), Math.Min(count, vectors * (k + 1) / threads * 8)));
    }

    private static int Threads(long items, long elements) =>
        (int)Math.Min(Math.Min(Environment.ProcessorCount, items), Math.Max(1, elements / MinParallelElements));
}
