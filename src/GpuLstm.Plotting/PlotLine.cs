namespace GpuLstm.Plotting;

/// <summary>One named series in a panel. The arrays are private copies taken when the line was added.</summary>
internal sealed record PlotLine(string Name, double[] Xs, double[] Ys, PlotColor Color, double Width, bool Dashed);
