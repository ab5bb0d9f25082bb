using GpuLstm.Autograd;
using GpuLstm.Layers;
using GpuLstm.Losses;
using GpuLstm.Memory;
using GpuLstm.Models;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>
/// A custom training loop written outside the library, as Keras's "training loop from scratch" guide
/// does it: a tape, each layer's <see cref="Layer.ForwardOn"/>, a loss, <see cref="Tape.Backward(Tensor)"/>,
/// an optimizer step on the model's <see cref="ParameterSet"/> and <see cref="ParameterSet.ZeroGrad"/>.
/// GpuLstm grants internals only to GpuLstm.Tests, so this file compiling in GpuLstm.Samples shows the
/// public API is enough; CustomTrainingLoopTests checks it trains exactly as Fit does.
/// </summary>
public static class CustomTrainingLoop
{
    /// <summary>
    /// One epoch over x [N, ...] and y [N, ...] in order, batch by batch; returns each batch's loss.
    /// The model must be built (its Parameters are the weights the optimizer updates).
    /// </summary>
    public static List<double> TrainEpoch(Sequential model, Optimizer optimizer, LossFunction loss, HostArray x, HostArray y,
        int batchSize, Random random)
    {
        var parameters = model.Parameters ?? throw new InvalidOperationException("CustomTrainingLoop: build the model first.");
        var device = model.Device;
        int rowX = x.Data.Length / x.Count, rowY = y.Data.Length / y.Count;
        var losses = new List<double>();
        using var tape = new Tape(device);
        for (int start = 0; start < x.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, x.Count - start);
            tape.Reset(); // frees the last step's activations
            var xb = tape.Own(Tensor.FromArray(device, x.Data.AsSpan(start * rowX, count * rowX), [count, .. x.Shape[1..]], "x")); // [B, ...]
            var yb = tape.Own(Tensor.FromArray(device, y.Data.AsSpan(start * rowY, count * rowY), [count, .. y.Shape[1..]], "y")); // [B, ...]
            var context = new LayerContext(tape, training: true, random);
            var h = xb;
            foreach (var layer in model.Layers)
                h = layer.ForwardOn(context, h);
            var l = loss.Compute(tape, h, yb); // [1]
            tape.Backward(l);
            optimizer.Step(parameters);
            parameters.ZeroGrad();
            losses.Add(l.ToArray()[0]);
        }
        tape.Reset();
        return losses;
    }
}
