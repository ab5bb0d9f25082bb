namespace GpuLstm.Models;

/// <summary>
/// Fit's validationData, as Keras takes it: (x, y) or (x, y, sampleWeight), one array each or one
/// per model input/output. Tuples convert implicitly: <c>validationData: (xv, yv)</c> or <c>(xv, yv, wv)</c>.
/// </summary>
public sealed class ValidationData
{
    public ValidationData(HostArray[] x, HostArray[] y, HostArray[]? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        X = x;
        Y = y;
        SampleWeight = sampleWeight;
    }

    public HostArray[] X { get; }
    public HostArray[] Y { get; }

    /// <summary>Per output (or one for all outputs), [N] or [N, T]; null weighs every sample 1.</summary>
    public HostArray[]? SampleWeight { get; }

    public static implicit operator ValidationData((HostArray X, HostArray Y) data) => new([data.X], [data.Y]);

    public static implicit operator ValidationData((HostArray X, HostArray Y, HostArray SampleWeight) data) =>
        new([data.X], [data.Y], [data.SampleWeight]);

    public static implicit operator ValidationData((HostArray[] X, HostArray[] Y) data) => new(data.X, data.Y);

    public static implicit operator ValidationData((HostArray[] X, HostArray[] Y, HostArray[] SampleWeight) data) =>
        new(data.X, data.Y, data.SampleWeight);
}
