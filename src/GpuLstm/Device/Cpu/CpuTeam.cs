namespace GpuLstm.Device.Cpu;

/// <summary>
/// A fixed team of threads for one parallel region that runs a whole recurrence: the caller is member
/// 0, dedicated background threads the others. Inside a region members meet at <see cref="Barrier"/>
/// (spinning: a step is tens of microseconds, far below what blocking and waking a thread costs);
/// between regions the workers block, so an idle device burns no CPU. Owned by one ComputeDevice,
/// which runs one call at a time (BusyGuard), so regions never overlap.
/// </summary>
internal sealed class CpuTeam : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private Action<int>? _body;
    private Exception? _fault;
    private volatile bool _faulted, _stopping;
    private int _arrived, _running;
    private volatile int _generation;

    public CpuTeam(int size)
    {
        if (size < 1)
            throw new ArgumentOutOfRangeException(nameof(size), size, "a team has at least one member");
        Size = size;
        _workers = new Thread[size - 1];
        _start = new SemaphoreSlim[size - 1];
        _done = new CountdownEvent(1);
        for (int w = 0; w < _workers.Length; w++)
        {
            int member = w + 1;
            _start[w] = new SemaphoreSlim(0);
            _workers[w] = new Thread(() => WorkerLoop(member)) { IsBackground = true, Name = $"GpuLstm CPU team {member}" };
            _workers[w].Start();
        }
    }

    /// <summary>Members, the caller included.</summary>
    public int Size { get; }

    /// <summary>Runs body(member) on every member at once and returns when all have finished; rethrows a member's exception.</summary>
    public void Run(Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        // The device's BusyGuard keeps Model calls apart; direct op calls from two threads must not interleave regions.
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("A CPU team ran a second region while one was running: one ComputeDevice serves one thread at a time.");
        try
        {
            RunRegion(body);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void RunRegion(Action<int> body)
    {
        if (Size == 1)
        {
            body(0);
            return;
        }
        _body = body;
        _fault = null;
        _faulted = false;
        _arrived = 0;
        _done.Reset(Size - 1);
        foreach (var start in _start)
            start.Release();
        Member(0);
        _done.Wait();
        _body = null;
        if (_fault is { } fault)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(fault).Throw();
    }

    /// <summary>
    /// Waits until every member has called it (sense-reversing: the last to arrive opens the next
    /// generation). Memory written before it by any member is visible to all after it.
    /// </summary>
    public void Barrier()
    {
        if (Size == 1)
            return;
        int generation = _generation;
        if (Interlocked.Increment(ref _arrived) == Size)
        {
            _arrived = 0;
            Interlocked.Increment(ref _generation);
            return;
        }
        var spin = new SpinWait();
        while (_generation == generation)
        {
            if (_faulted)
                throw new OperationCanceledException("another CPU team member failed");
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private void Member(int member)
    {
        try
        {
            _body!(member);
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException || !_faulted)
                Interlocked.CompareExchange(ref _fault, e, null);
            _faulted = true;
        }
    }

    private void WorkerLoop(int member)
    {
        var start = _start[member - 1];
        while (true)
        {
            start.Wait();
            if (_stopping)
                return;
            Member(member);
            _done.Signal();
        }
    }

    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        foreach (var start in _start)
            start.Release();
        foreach (var worker in _workers)
            worker.Join();
        foreach (var start in _start)
            start.Dispose();
        _done.Dispose();
    }
}
