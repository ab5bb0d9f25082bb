using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Tests.Infrastructure;

namespace GpuLstm.Tests.Ops;

/// <summary>
/// The engine structure, counted: each extra time step costs exactly the launches the design says
/// (GRU reset_after and SimpleRNN: one GEMM and one pointwise kernel forward, the same backward;
/// reset_before: the recurrent GEMM split around the gates, so twice that).
/// </summary>
public sealed class RecurrentLaunchCountTests
{
    [Theory]
    [InlineData("gru", true, 4)]
    [InlineData("gru", false, 8)]
    [InlineData("simple_rnn", true, 4)]
    public void EachStepCostsTheDesignedLaunches(string kind, bool resetAfter, int perStep)
    {
        using var device = ComputeDevice.Create(DeviceKind.Cpu);
        long Launches(int steps)
        {
            int batch = 3, inputs = 4, hidden = 5, gates = kind == "gru" ? 3 : 1;
            using var tape = new Tape(device);
            var x = Param(device, tape, steps * batch * inputs, [steps, batch, inputs]);
            var w = Param(device, tape, inputs * gates * hidden, [inputs, gates * hidden]);
            var u = Param(device, tape, hidden * gates * hidden, [hidden, gates * hidden]);
            var before = device.Counters.Snapshot();
            var outputs = kind == "gru"
                ? GruSequenceOp.Forward(tape, x, w, u, null, resetAfter: resetAfter)
                : SimpleRnnSequenceOp.Forward(tape, x, w, u, null);
            using var seed = Tensor.FromArray(device, TestData.Uniform(1, (int)outputs.Sequence.Length), outputs.Sequence.Shape);
            tape.Backward((outputs.Sequence, seed));
            return (device.Counters.Snapshot() - before).KernelLaunches;
        }
        Assert.Equal(3 * perStep, Launches(7) - Launches(4));
    }

    private static Tensor Param(ComputeDevice device, Tape tape, int count, int[] shape)
    {
        var t = tape.Own(Tensor.FromArray(device, TestData.Uniform(count, count, 0.5f), shape));
        t.RequiresGrad = true;
        return t;
    }
}
