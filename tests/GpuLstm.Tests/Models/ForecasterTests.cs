using GpuLstm.Codegen;
using GpuLstm.Plotting;
using GpuLstm.Samples;
using GpuLstm.Datasets;
using GpuLstm.Device;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>The main job's pipeline on the real CO2 record: data, training, test next to the baselines, save, load, predict.</summary>
public sealed class ForecasterTests
{
    [Fact]
    public void Co2ForecastBeatsSeasonalNaiveAndPersistence()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var series = BuiltInDatasets.Co2();
        var (model, report) = SeriesForecaster.Train(series, new ForecastOptions { Epochs = 15, Units = 16 }, device);
        using (model)
        {
            Assert.Equal(60, report.Actual.Length);
            Assert.True(report.Mae < report.SeasonalNaiveMae, $"LSTM MAE {report.Mae:F3} vs seasonal naive {report.SeasonalNaiveMae:F3}");
            Assert.True(report.Mae < report.PersistenceMae, $"LSTM MAE {report.Mae:F3} vs persistence {report.PersistenceMae:F3}");
            Assert.True(report.History["loss"][^1] < report.History["loss"][0]);

            string path = Path.Combine(Path.GetTempPath(), $"gpulstm-forecaster-{Guid.NewGuid():N}.safetensors");
            try
            {
                model.Save(path);
                using var loaded = Sequential.Load(path, device);
                var ahead = SeriesForecaster.ForecastAhead(model, series, 24, report.Scale, 3);
                Assert.Equal(ahead, SeriesForecaster.ForecastAhead(loaded, series, 24, report.Scale, 3));
                Assert.All(ahead, v => Assert.InRange(v, 405, 425)); // the next months of a ~416 ppm series
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void TooShortSeriesIsAClearError()
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        var e = Assert.Throws<ArgumentException>(() => SeriesForecaster.Train(new double[50], new ForecastOptions(), device));
        Assert.Contains("50 points are too few", e.Message);
    }
}
