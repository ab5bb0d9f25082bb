namespace GpuLstm.Plotting;

/// <summary>One labelled tick: a data value and its text.</summary>
internal readonly record struct AxisTick(double Value, string Label);
