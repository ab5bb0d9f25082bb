using GpuLstm.Models;
using GpuLstm.Autograd;
using GpuLstm.Device;
using GpuLstm.Kernels;
using GpuLstm.Layers;
using GpuLstm.Memory;
using GpuLstm.Ops;
using GpuLstm.Optimizers;

namespace GpuLstm.Samples;

/// <summary>
/// The founding example's network as plain engine calls: LSTM(units) over [B, T, I] → last h →
/// Dense(1, sigmoid) → binary cross-entropy → Adam. Used by the benchmarks and end-to-end tests.
/// </summary>
public sealed class LstmClassifier : IDisposable
{
    private readonly Tape _tape;

    public LstmClassifier(ComputeDevice device, int inputs, int units, int seed = 0, Optimizer? optimizer = null)
    {
        Device = device;
        Inputs = inputs;
        Units = units;
        Parameters = new ParameterSet(device,
        [
            ("lstm.kernel", [inputs, 4 * units]),
            ("lstm.recurrent_kernel", [units, 4 * units]),
            ("lstm.bias", [4 * units]),
            ("dense.kernel", [units, 1]),
            ("dense.bias", [1]),
        ]);
        var rng = new Random(seed);
        Parameters["lstm.kernel"].CopyFrom(Initializers.GlorotUniform(rng, inputs, 4 * units));
        Parameters["lstm.recurrent_kernel"].CopyFrom(Initializers.Orthogonal(rng, units, 4 * units));
        Parameters["lstm.bias"].CopyFrom(Initializers.LstmBias(units, unitForgetBias: true));
        Parameters["dense.kernel"].CopyFrom(Initializers.GlorotUniform(rng, units, 1));
        Parameters["dense.bias"].CopyFrom(new float[1]);
        Optimizer = optimizer ?? new Adam();
        _tape = new Tape(device);
    }

    public ComputeDevice Device { get; }
    public int Inputs { get; }
    public int Units { get; }
    public ParameterSet Parameters { get; }
    public Optimizer Optimizer { get; }

    /// <summary>One training step on x [B, T, I] and y [B, 1]; returns the loss only when asked (one transfer).</summary>
    public float? TrainStep(Tensor x, Tensor y, bool readLoss = true)
    {
        var loss = Forward(x, y);
        _tape.Backward(loss);
        Optimizer.Step(Parameters);
        Parameters.ZeroGrad();
        float? value = readLoss ? loss.ToArray()[0] : null;
        _tape.Reset();
        return value;
    }

    /// <summary>Probabilities [B, 1] for x [B, T, I], without recording a tape.</summary>
    public float[] Predict(Tensor x)
    {
        using (_tape.NoGrad())
        {
            var p = Probabilities(x);
            var result = p.ToArray();
            _tape.Reset();
            return result;
        }
    }

    private Tensor Forward(Tensor x, Tensor y) =>
        LossOps.BinaryCrossEntropy(_tape, Probabilities(x), y);

    private Tensor Probabilities(Tensor x)
    {
        ShapeUtil.ExpectRank("LstmClassifier", "input", x.Shape, 3, "[batch, time, features]");
        var timeMajor = SwapAxesOp.Forward(_tape, x);                         // [T, B, I]
        var lstm = LstmSequenceOp.Forward(_tape, timeMajor, Parameters["lstm.kernel"],
            Parameters["lstm.recurrent_kernel"], Parameters["lstm.bias"]);
        return LinearOp.Forward(_tape, lstm.FinalHidden, Parameters["dense.kernel"], Parameters["dense.bias"],
            ActivationCode.Sigmoid, "dense");                                  // [B, 1]
    }

    public void Dispose()
    {
        _tape.Dispose();
        Optimizer.Dispose();
        Parameters.Dispose();
    }
}
