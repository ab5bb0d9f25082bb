using ScottPlot;

namespace GpuLstm.Plotting;

/// <summary>A drawn chart: the PNG bytes and where each panel's data area ended up, in pixels.</summary>
internal sealed record RenderedChart(byte[] Png, PixelRect LossArea, PixelRect ForecastArea);
