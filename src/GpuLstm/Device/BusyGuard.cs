namespace GpuLstm.Device;

/// <summary>
/// One call at a time on a model (and on a device that models share): the tape, the tensor pool and
/// stateful layers' carried states are shared by every call, so two calls overlapping would read each
/// other's activations. A second thread is refused at once rather than queued; the thread already
/// inside may enter again (callbacks call Save or GetWeights inside Fit).
/// </summary>
internal sealed class BusyGuard
{
    private readonly object _gate = new();
    private int _depth;                // entries by the holder; only the holder touches it
    private volatile string? _running; // the holder's outermost call, for the other thread's message

    /// <summary>Enters, or throws what <paramref name="busy"/> builds from the running call's description.</summary>
    public Scope Enter(string call, Func<string, InvalidOperationException> busy)
    {
        if (!Monitor.TryEnter(_gate))
            throw busy(_running ?? "another call");
        if (_depth++ == 0)
            _running = call;
        return new Scope(this);
    }

    private void Exit()
    {
        if (--_depth == 0)
            _running = null;
        Monitor.Exit(_gate);
    }

    /// <summary>Leaves the guard on Dispose (a struct: entering allocates nothing).</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly BusyGuard? _guard;

        internal Scope(BusyGuard guard) => _guard = guard;

        public void Dispose() => _guard?.Exit();
    }

    /// <summary>A model's scope and, when its device is shared, the device's: left inner first.</summary>
    public readonly struct Scopes(Scope model, Scope device) : IDisposable
    {
        public void Dispose()
        {
            device.Dispose();
            model.Dispose();
        }
    }
}
