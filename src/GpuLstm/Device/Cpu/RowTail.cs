using System.Diagnostics;

namespace GpuLstm.Device.Cpu;

/// <summary>
/// Zero-padded stack copies of a row's last H % 8 units, so they go through the same 8-wide code as
/// the rest: <see cref="In"/> copies gate blocks (stride apart) into [blocks, 8] room and returns it
/// (the padded row then has stride 8), <see cref="Out"/> copies results back. Null stays null.
/// </summary>
internal unsafe ref struct RowTail
{
    public const int Lanes = 8;

    /// <summary>Room for 24 blocks of 8: the most any pointwise implementation takes (LSTM backward: 21).</summary>
    public const int Floats = 24 * Lanes;

    private readonly float* _end;
    private readonly int _units;
    private float* _next;

    /// <param name="room">Floats of stack room, <see cref="Floats"/> of them.</param>
    /// <param name="units">The tail's units, 1 to 7.</param>
    public RowTail(float* room, int units)
    {
        _next = room;
        _end = room + Floats;
        _units = units;
        new Span<float>(room, Floats).Clear();
    }

    public float* In(float* src, int stride, int blocks = 1)
    {
        if (src is null)
            return null;
        float* room = _next;
        _next += blocks * Lanes;
        Debug.Assert(_next <= _end, "RowTail: out of room");
        for (int k = 0; k < blocks; k++)
            new ReadOnlySpan<float>(src + (long)k * stride, _units).CopyTo(new Span<float>(room + k * Lanes, _units));
        return room;
    }

    public readonly void Out(float* dst, float* padded, int stride, int blocks = 1)
    {
        if (dst is null)
            return;
        for (int k = 0; k < blocks; k++)
            new ReadOnlySpan<float>(padded + k * Lanes, _units).CopyTo(new Span<float>(dst + (long)k * stride, _units));
    }
}
