using GpuLstm.Distributed;
using GpuLstm.Memory;

namespace GpuLstm.Models;

/// <summary>One optimisation step of Fit: forward, losses, stats, backward, (all-reduce,) update.</summary>
public partial class Model
{
    /// <summary>
    /// One optimisation step on rows [start, start + count) of the epoch's order; with one output the stats read
    /// back is the step's single device-to-host copy. Data parallel (comm set): this rank's share of those rows,
    /// then the gradients and stats all-reduced; a rank with an empty share still takes part.
    /// </summary>
    private Dictionary<string, double> TrainStep(DeviceDataset data, OutputStats stats, int start, int count, ICommunicator? comm = null)
    {
        Tape.Reset();
        var share = comm is null ? new BatchShare(start, count) : BatchShare.Of(start, count, comm.Rank, comm.Size);
        Tensor[]? losses = null;
        if (share.Count > 0)
        {
            var (xb, yb, wb) = data.Batch(Tape, share.Start, share.Count);
            var pred = Forward(xb, training: true);
            losses = ComputeLosses(pred, yb, wb);
            stats.Add(losses, pred, yb, wb, share.Count);
        }
        var logs = stats.Read("", comm);
        if (!double.IsFinite(logs["loss"]))
            return logs; // the caller stops before this step's update touches the weights (every rank sees the same loss)
        if (losses is not null) // null: this rank's share is empty; its gradients are zeros
            Backward(losses);
        if (comm is not null)
            AllreduceGradients(comm, share.Count, count);
        Optimizer!.Step(Parameters!);
        Parameters!.ZeroGrad();
        return logs;
    }

    private void Backward(Tensor[] losses)
    {
        if (losses.Length == 1)
        {
            Tape.Backward(losses[0]);
            return;
        }
        // The training loss is the sum of the outputs' losses: each gets gradient 1.
        Tape.Backward(losses.Select(l =>
        {
            var one = Tape.NewTensor([1], l.Name + ".seed");
            one.Fill(1f);
            return (l, one);
        }).ToArray());
    }

    private Tensor[] ComputeLosses(Tensor[] predictions, Tensor[] targets, Tensor?[] weights) =>
        predictions.Select((p, k) => Losses[k].Compute(Tape, p, targets[k], weights[k])).ToArray();
}
