using GpuLstm.IO;
using GpuLstm.Tests.Reference;

namespace GpuLstm.Tests.IO;

/// <summary>
/// The PyTorch fixtures (Fixtures/make_pytorch_reference.py) load with our reader, and a plain
/// double-precision LSTM in PyTorch's layout reproduces PyTorch's numbers: this pins down the layout
/// (gate order i, f, g, o; weight_ih [4H, In]; two biases summed) that the model importer relies on.
/// </summary>
public sealed class PyTorchFixtureTests
{
    private const double Tol = 1e-5;

    private static SafeTensorsContent Load(string name) =>
        SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    private static double[] D(SafeTensorsContent c, string name) => Array.ConvertAll(c[name].Data, v => (double)v);

    private static void AssertClose(float[] expected, double[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: PyTorch {expected[i]:R}, reference {actual[i]:R}");
    }

    [Fact]
    public void Fixtures_HaveTorchNamesAndShapes()
    {
        var dense = Load("pytorch_lstm_dense.safetensors");
        Assert.Equal(
            ["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
             "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1", "dense.weight", "dense.bias"],
            dense.Names);
        Assert.Equal([20, 7], dense["lstm.weight_ih_l0"].Shape);
        Assert.Equal([20, 5], dense["lstm.weight_ih_l1"].Shape);
        Assert.Equal([20, 5], dense["lstm.weight_hh_l1"].Shape);
        Assert.Equal([20], dense["lstm.bias_hh_l1"].Shape);
        Assert.Equal([3, 5], dense["dense.weight"].Shape);

        var io = Load("pytorch_lstm_dense_io.safetensors");
        Assert.Equal([3, 6, 7], io["x"].Shape);
        Assert.Equal([3, 6, 5], io["y_sequence"].Shape);
        Assert.Equal([2, 3, 5], io["h_n"].Shape);
        Assert.Equal([2, 3, 5], io["c_n"].Shape);
        Assert.Equal([3, 3], io["y_dense"].Shape);

        var bi = Load("pytorch_bilstm.safetensors");
        Assert.Equal([12, 4], bi["lstm.weight_ih_l0_reverse"].Shape);
        Assert.Equal([12, 3], bi["lstm.weight_hh_l0_reverse"].Shape);
        Assert.Equal([2, 5, 6], Load("pytorch_bilstm_io.safetensors")["y_sequence"].Shape);

        var grads = Load("pytorch_lstm_grads.safetensors");
        Assert.Equal([1], grads["loss"].Shape);
        foreach (string p in new[] { "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "dense.weight", "dense.bias" })
            Assert.Equal(grads[p].Shape, grads["grad." + p].Shape);
    }

    /// <summary>Loss of LSTM(7, 5) → Linear(5, 1) on the last step → sigmoid → BCE, from the grads fixture's tensors.</summary>
    private static double GradsFixtureLoss(double[] wIh, double[] wHh, double[] bIh, double[] bHh, double[] dW, double[] dB, double[] x, double[] y)
    {
        var lstm = TorchLstmReference.Forward(x, 3, 6, 7, 5, wIh, wHh, bIh, bHh);
        var logits = TorchLstmReference.Linear(lstm.FinalH, 3, 5, dW, dB);
        return TorchLstmReference.BinaryCrossEntropy(Array.ConvertAll(logits, TorchLstmReference.Sigmoid), y);
    }

    [Fact]
    public void GradsFixture_LossRecomputedInDouble_MatchesPyTorch()
    {
        var c = Load("pytorch_lstm_grads.safetensors");
        double loss = GradsFixtureLoss(D(c, "lstm.weight_ih_l0"), D(c, "lstm.weight_hh_l0"), D(c, "lstm.bias_ih_l0"),
            D(c, "lstm.bias_hh_l0"), D(c, "dense.weight"), D(c, "dense.bias"), D(c, "x"), D(c, "y"));
        Assert.Equal(c["loss"].Data[0], loss, Tol);

        // The same model imported into Keras layout (transposed kernels, summed bias, time-major input)
        // through the Keras-layout reference must give the same loss.
        const int b = 3, t = 6, input = 7, h = 5;
        var kernel = Transpose(D(c, "lstm.weight_ih_l0"), 4 * h, input);
        var recurrent = Transpose(D(c, "lstm.weight_hh_l0"), 4 * h, h);
        var bias = D(c, "lstm.bias_ih_l0").Zip(D(c, "lstm.bias_hh_l0"), (p, q) => p + q).ToArray();
        var xs = D(c, "x");
        var timeMajor = new double[xs.Length];
        for (int bi = 0; bi < b; bi++)
            for (int ti = 0; ti < t; ti++)
                Array.Copy(xs, (bi * t + ti) * input, timeMajor, (ti * b + bi) * input, input);
        var keras = RefLstm.Forward(t, b, input, h, timeMajor, kernel, recurrent, bias, new double[b * h], new double[b * h]);
        var logits = TorchLstmReference.Linear(keras.FinalH, b, h, D(c, "dense.weight"), D(c, "dense.bias"));
        double kerasLoss = TorchLstmReference.BinaryCrossEntropy(Array.ConvertAll(logits, TorchLstmReference.Sigmoid), D(c, "y"));
        Assert.Equal(loss, kerasLoss, 1e-12);
    }

    [Fact]
    public void GradsFixture_GradientsMatchFiniteDifferencesInDouble()
    {
        var c = Load("pytorch_lstm_grads.safetensors");
        string[] names = ["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "dense.weight", "dense.bias"];
        var p = names.Select(n => D(c, n)).ToArray();
        double[] x = D(c, "x"), y = D(c, "y");
        for (int k = 0; k < names.Length; k++)
        {
            var fd = Infrastructure.TestData.Gradient(p[k], () => GradsFixtureLoss(p[0], p[1], p[2], p[3], p[4], p[5], x, y));
            AssertClose(c["grad." + names[k]].Data, fd, 1e-5, "grad." + names[k]);
        }
    }

    [Fact]
    public void TwoLayerFixture_ForwardRecomputedInDouble()
    {
        var w = Load("pytorch_lstm_dense.safetensors");
        var io = Load("pytorch_lstm_dense_io.safetensors");
        const int b = 3, t = 6, h = 5;
        var l0 = TorchLstmReference.Forward(D(io, "x"), b, t, 7, h,
            D(w, "lstm.weight_ih_l0"), D(w, "lstm.weight_hh_l0"), D(w, "lstm.bias_ih_l0"), D(w, "lstm.bias_hh_l0"));
        var l1 = TorchLstmReference.Forward(l0.Sequence, b, t, h, h,
            D(w, "lstm.weight_ih_l1"), D(w, "lstm.weight_hh_l1"), D(w, "lstm.bias_ih_l1"), D(w, "lstm.bias_hh_l1"));

        AssertClose(io["y_sequence"].Data, l1.Sequence, Tol, "y_sequence");
        // h_n / c_n are [layers, B, H], layer 0 first.
        AssertClose(io["h_n"].Data, [.. l0.FinalH, .. l1.FinalH], Tol, "h_n");
        AssertClose(io["c_n"].Data, [.. l0.FinalC, .. l1.FinalC], Tol, "c_n");
        var yDense = TorchLstmReference.Linear(TorchLstmReference.LastStep(l1.Sequence, b, t, h), b, h, D(w, "dense.weight"), D(w, "dense.bias"));
        AssertClose(io["y_dense"].Data, yDense, Tol, "y_dense");
    }

    [Fact]
    public void BidirectionalFixture_ForwardRecomputedInDouble()
    {
        var w = Load("pytorch_bilstm.safetensors");
        var io = Load("pytorch_bilstm_io.safetensors");
        const int b = 2, t = 5, input = 4, h = 3;
        var x = D(io, "x");
        var fwd = TorchLstmReference.Forward(x, b, t, input, h,
            D(w, "lstm.weight_ih_l0"), D(w, "lstm.weight_hh_l0"), D(w, "lstm.bias_ih_l0"), D(w, "lstm.bias_hh_l0"));
        var bwd = TorchLstmReference.Forward(x, b, t, input, h,
            D(w, "lstm.weight_ih_l0_reverse"), D(w, "lstm.weight_hh_l0_reverse"), D(w, "lstm.bias_ih_l0_reverse"), D(w, "lstm.bias_hh_l0_reverse"),
            reverse: true);

        // Output [B, T, 2H] is [forward, backward] per step, each aligned to its input time step.
        var seq = new double[b * t * 2 * h];
        for (int r = 0; r < b * t; r++)
        {
            Array.Copy(fwd.Sequence, r * h, seq, r * 2 * h, h);
            Array.Copy(bwd.Sequence, r * h, seq, r * 2 * h + h, h);
        }
        AssertClose(io["y_sequence"].Data, seq, Tol, "y_sequence");
        // The backward direction's final state is after it has consumed t = 0.
        AssertClose(io["h_n"].Data, [.. fwd.FinalH, .. bwd.FinalH], Tol, "h_n");
        AssertClose(io["c_n"].Data, [.. fwd.FinalC, .. bwd.FinalC], Tol, "c_n");
    }

    private static double[] Transpose(double[] m, int rows, int cols)
    {
        var t = new double[m.Length];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < cols; k++)
                t[k * rows + r] = m[r * cols + k];
        return t;
    }
}
