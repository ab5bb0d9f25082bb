using GpuLstm.Device;
using GpuLstm.Models;

namespace GpuLstm.Samples;

/// <summary>The data → train → save → load → predict check every task ends with.</summary>
public static class ExampleFiles
{
    /// <summary>Saves the model, loads it back and returns the loaded model's predictions, after checking they equal the original's.</summary>
    public static float[] SaveLoadPredict(Sequential model, HostArray x, string path, ComputeDevice device)
    {
        var before = model.Predict(x).Data;
        model.Save(path);
        using var loaded = Sequential.Load(path, device);
        var after = loaded.Predict(x).Data;
        if (!before.AsSpan().SequenceEqual(after))
            throw new InvalidOperationException($"{model.Name}: the model loaded from {path} predicts differently from the one saved.");
        return after;
    }
}
