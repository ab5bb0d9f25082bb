using GpuLstm.Models.PyTorch;

namespace GpuLstm.Tests.Models;

/// <summary>The importer's cell table moves PyTorch's gate blocks to Keras's places (written out by hand).</summary>
public sealed class RecurrentCellFormatTests
{
    [Fact]
    public void GruGatesRzNBecomeZRHAndBiasesTwoRows()
    {
        var gru = RecurrentCellFormat.ForKeras("GRU")!;
        // PyTorch weight_ih [3u, in] with u = 2, in = 2: row g holds (10g, 10g + 1); rows 0-1 r, 2-3 z, 4-5 n.
        float[] weight = [0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51];
        // Keras kernel [in, 3u], columns z z r r h h: input 0 then input 1.
        Assert.Equal([20f, 30, 0, 10, 40, 50, 21, 31, 1, 11, 41, 51], gru.Kernel(weight, units: 2, inputs: 2));
        float[] biasIh = [1, 2, 3, 4, 5, 6], biasHh = [-1, -2, -3, -4, -5, -6];
        Assert.Equal([3f, 4, 1, 2, 5, 6, -3, -4, -1, -2, -5, -6], gru.Bias(biasIh, biasHh, units: 2)); // [2, 3u]
        Assert.Equal([2, 6], gru.KerasBiasShape(2));
    }

    [Fact]
    public void LstmKeepsGateOrderAndSumsBiases()
    {
        var lstm = RecurrentCellFormat.ForKeras("LSTM")!;
        float[] weight = Enumerable.Range(0, 8).Select(i => (float)i).ToArray(); // [4u, in] with u = 2, in = 1
        Assert.Equal(weight, lstm.Kernel(weight, units: 2, inputs: 1));        // in = 1: the transpose is the same order
        Assert.Equal([0f, 2, 4, 6, 8, 10, 12, 14], lstm.Bias(weight, weight, units: 2));
        Assert.Same(lstm, RecurrentCellFormat.ForGates(4));
    }
}
