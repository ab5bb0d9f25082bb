namespace GpuLstm.Models;

/// <summary>
/// The model's random source (shuffling, dropout seeds) with a state that can be saved: SplitMix64,
/// whose whole state is one 64-bit counter. System.Random's state cannot be read back, which made
/// Save/Load resume differently from an uninterrupted run.
/// </summary>
internal sealed class ResumableRandom(ulong state) : Random
{
    public ulong State { get; set; } = state;

    private ulong NextUInt64()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    protected override double Sample() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public override double NextDouble() => Sample();

    public override float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    public override int Next() => (int)(NextUInt64() >> 33); // [0, int.MaxValue)

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextInt64(maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + NextInt64((long)maxValue - minValue));
    }

    public override long NextInt64() => (long)(NextUInt64() >> 1);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        if (maxValue <= 1)
            return 0;
        // Lemire's multiply-shift with rejection: unbiased, and the draw count depends only on the values.
        ulong range = (ulong)maxValue;
        while (true)
        {
            UInt128 product = (UInt128)NextUInt64() * range;
            ulong low = (ulong)product;
            if (low >= range || low >= (0UL - range) % range)
                return (long)(ulong)(product >> 64);
        }
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue + NextInt64(maxValue - minValue);
    }

    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
            buffer[i] = (byte)(NextUInt64() >> 56);
    }

    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());
}
