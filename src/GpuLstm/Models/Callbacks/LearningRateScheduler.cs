namespace GpuLstm.Models.Callbacks;

/// <summary>
/// Keras LearningRateScheduler: before each epoch the learning rate becomes
/// <c>schedule(epoch, currentRate)</c> (epoch counts from 0). A non-positive or non-finite result is an error.
/// </summary>
public sealed class LearningRateScheduler(Func<int, float, float> schedule) : Callback
{
    public override void OnEpochBegin(Model model, int epoch)
    {
        var optimizer = model.Optimizer ?? throw new InvalidOperationException("LearningRateScheduler: the model is not compiled.");
        float rate = schedule(epoch, optimizer.LearningRate);
        if (!(rate > 0f) || !float.IsFinite(rate))
            throw new ArgumentException($"LearningRateScheduler: the schedule returned {rate} for epoch {epoch}; expected a positive, finite rate.");
        optimizer.LearningRate = rate;
    }
}
