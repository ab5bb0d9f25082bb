namespace GpuLstm.Datasets;

/// <summary>One day of <see cref="BuiltInDatasets.SeattleWeather"/> (columns of seattle-weather.csv, vega-datasets 3.2.1).</summary>
/// <param name="Date">The day.</param>
/// <param name="Precipitation">Precipitation in millimetres.</param>
/// <param name="TempMax">Maximum temperature in degrees Celsius.</param>
/// <param name="TempMin">Minimum temperature in degrees Celsius.</param>
/// <param name="Wind">
/// Average wind speed. The package's datapackage.json says km/h, but the values (0.4 to 9.5,
/// mean 3.2) look like NOAA's m/s; treat the unit as uncertain.
/// </param>
/// <param name="Weather">One of drizzle, rain, snow, sun, fog; vega-datasets derived it from several NOAA fields.</param>
public sealed record SeattleWeatherDay(DateOnly Date, double Precipitation, double TempMax, double TempMin, double Wind, string Weather);
