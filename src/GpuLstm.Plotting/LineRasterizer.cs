namespace GpuLstm.Plotting;

/// <summary>
/// Anti-aliased thick polylines. For each pixel it takes the distance from the pixel center to
/// the nearest segment, and coverage falls off over the last pixel of the half-width. Coverage
/// goes into a mask with max(), not by blending, so the joints of a polyline are not darker
/// than its segments.
/// </summary>
internal static class LineRasterizer
{
    /// <summary>Dash pattern, in pixels along the line, for dashed strokes.</summary>
    private const double DashOn = 9, DashPeriod = 14;

    /// <summary>
    /// Adds the stroke of the polyline through (xs[i], ys[i]) (pixel coordinates, where pixel (i, j)
    /// covers [i, i+1) x [j, j+1)) to <paramref name="coverage"/>, a mask laid out over
    /// <paramref name="area"/>. Nothing is drawn outside the area. A non-finite point breaks the
    /// line, and a point with no finite neighbour is drawn as a dot a little wider than the line.
    /// </summary>
    public static void Stroke(float[] coverage, PixelRect area, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys,
        double width, bool dashed)
    {
        double half = Math.Max(0.5, width / 2);
        double travelled = 0; // arc length along the current run, so dashes continue across joints
        for (int i = 0; i < xs.Length; i++)
        {
            bool here = double.IsFinite(xs[i]) && double.IsFinite(ys[i]);
            if (!here)
            {
                travelled = 0;
                continue;
            }
            bool next = i + 1 < xs.Length && double.IsFinite(xs[i + 1]) && double.IsFinite(ys[i + 1]);
            bool previous = i > 0 && double.IsFinite(xs[i - 1]) && double.IsFinite(ys[i - 1]);
            if (next)
            {
                Segment(coverage, area, xs[i], ys[i], xs[i + 1], ys[i + 1], half, dashed, travelled);
                travelled += Math.Sqrt(Sq(xs[i + 1] - xs[i]) + Sq(ys[i + 1] - ys[i]));
            }
            else if (!previous)
                Segment(coverage, area, xs[i], ys[i], xs[i], ys[i], half + 1, dashed: false, 0); // a bit bolder, or a lone point is lost
        }
    }

    private static void Segment(float[] coverage, PixelRect area, double ax, double ay, double bx, double by,
        double half, bool dashed, double startArc)
    {
        double reach = half + 1;
        // Clamp in double before converting, so far-off points cannot overflow int.
        int left = Clamp(Math.Floor(Math.Min(ax, bx) - reach), area.Left, area.Right);
        int right = Clamp(Math.Ceiling(Math.Max(ax, bx) + reach), area.Left, area.Right);
        int top = Clamp(Math.Floor(Math.Min(ay, by) - reach), area.Top, area.Bottom);
        int bottom = Clamp(Math.Ceiling(Math.Max(ay, by) + reach), area.Top, area.Bottom);
        double dx = bx - ax, dy = by - ay;
        double lengthSq = dx * dx + dy * dy, length = Math.Sqrt(lengthSq);
        for (int py = top; py < bottom; py++)
        {
            for (int px = left; px < right; px++)
            {
                double cx = px + 0.5 - ax, cy = py + 0.5 - ay;
                double t = lengthSq > 0 ? Math.Clamp((cx * dx + cy * dy) / lengthSq, 0, 1) : 0;
                double d = Math.Sqrt(Sq(cx - t * dx) + Sq(cy - t * dy));
                double c = Math.Clamp(half + 0.5 - d, 0, 1);
                if (c <= 0)
                    continue;
                if (dashed && (startArc + t * length) % DashPeriod >= DashOn)
                    continue;
                int index = (py - area.Top) * area.Width + (px - area.Left);
                if (c > coverage[index])
                    coverage[index] = (float)c;
            }
        }
    }

    private static int Clamp(double v, int lo, int hi) => (int)Math.Clamp(v, lo, hi);

    private static double Sq(double v) => v * v;
}
