using GpuLstm.Device;
using GpuLstm.Layers;
using GpuLstm.Models;

namespace GpuLstm.Tests.Models;

/// <summary>Element activations give Keras 3's values (keras.activations), through a Dense layer with identity weights.</summary>
public sealed class KerasActivationTests
{
    [Theory]
    [InlineData("hard_sigmoid", new[] { 0f, 0f, 1f / 3, 0.5f, 2f / 3, 1f, 1f })] // Keras 3: relu6(x + 3) / 6, not Keras 2's 0.2x + 0.5
    [InlineData("relu", new[] { 0f, 0f, 0f, 0f, 1f, 3f, 4f })]
    [InlineData("linear", new[] { -4f, -3f, -1f, 0f, 1f, 3f, 4f })]
    public void DenseActivationMatchesKeras3(string activation, float[] expected)
    {
        float[] x = [-4, -3, -1, 0, 1, 3, 4];
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        using var model = new Sequential(device: device);
        model.Add(new Dense(1, activation: activation, inputShape: [1]));
        model.Build();
        model.SetWeights([new HostArray([1f], 1, 1), new HostArray([0f], 1)]);
        var y = model.Predict(new HostArray(x, x.Length, 1)).Data;
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(y[i] - expected[i]) < 1e-6, $"{activation}({x[i]}) = {y[i]}, Keras 3 gives {expected[i]}");
    }
}
