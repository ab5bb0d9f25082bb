namespace GpuLstm.Datasets;

/// <summary>Mean absolute and root-mean-square error between forecasts and actual values.</summary>
public static class ForecastErrors
{
    public static double Mae(double[] actual, double[] forecast) => actual.Zip(forecast, (x, y) => Math.Abs(x - y)).Average();

    public static double Rmse(double[] actual, double[] forecast) =>
        Math.Sqrt(actual.Zip(forecast, (x, y) => (x - y) * (x - y)).Average());
}
