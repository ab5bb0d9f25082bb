namespace GpuLstm.Models.PyTorch;

/// <summary>
/// How one PyTorch recurrent module maps onto the Keras layer of the same cell: the table the importer
/// reads, so a new cell is one entry. PyTorch stacks the gate blocks of weight_ih [G*u, in] and
/// weight_hh [G*u, u] in its own order; Keras's kernel [in, G*u] and recurrent_kernel [u, G*u] are the
/// transposes with the blocks in Keras's order.
/// </summary>
/// <param name="TorchGateOfKerasGate">For each Keras gate block j, the PyTorch block that fills it.</param>
/// <param name="SummedBias">Keras keeps one bias [G*u] = bias_ih + bias_hh; otherwise [2, G*u] with bias_ih in row 0 and bias_hh in row 1.</param>
internal sealed record RecurrentCellFormat(string KerasClassName, string TorchClassName, int Gates, int[] TorchGateOfKerasGate, bool SummedBias)
{
    public static IReadOnlyList<RecurrentCellFormat> All { get; } =
    [
        new("LSTM", "nn.LSTM", 4, [0, 1, 2, 3], SummedBias: true),  // both i, f, g(c), o
        // nn.GRU: PyTorch r, z, n; Keras z, r, h. Its n = tanh(W_in x + b_in + r * (W_hn h + b_hn)) is
        // Keras's reset_after=True (the Keras 3 default), whose bias is [2, 3u].
        new("GRU", "nn.GRU", 3, [1, 0, 2], SummedBias: false),
        new("SimpleRNN", "nn.RNN", 1, [0], SummedBias: true),      // nn.RNN(nonlinearity="tanh")
    ];

    /// <summary>The entry for a Keras recurrent layer class, or null when PyTorch has no counterpart here.</summary>
    public static RecurrentCellFormat? ForKeras(string kerasClassName) => All.FirstOrDefault(f => f.KerasClassName == kerasClassName);

    /// <summary>The entry whose weight_hh [G*u, u] has <paramref name="gates"/> blocks.</summary>
    public static RecurrentCellFormat? ForGates(int gates) => All.FirstOrDefault(f => f.Gates == gates);

    /// <summary>Keras's bias shape for <paramref name="units"/>.</summary>
    public int[] KerasBiasShape(int units) => SummedBias ? [Gates * units] : [2, Gates * units];

    /// <summary>PyTorch [G*u, inputs] to Keras [inputs, G*u], gate blocks reordered.</summary>
    public float[] Kernel(float[] torch, int units, int inputs)
    {
        int width = Gates * units;
        var keras = new float[torch.Length]; // [inputs, G*u]
        for (int j = 0; j < Gates; j++)
            for (int k = 0; k < units; k++)
            {
                int row = TorchGateOfKerasGate[j] * units + k; // PyTorch row feeding Keras column j*u + k
                for (int i = 0; i < inputs; i++)
                    keras[i * width + j * units + k] = torch[row * inputs + i];
            }
        return keras;
    }

    /// <summary>Keras's bias from PyTorch's bias_ih and bias_hh (each [G*u]).</summary>
    public float[] Bias(float[] biasIh, float[] biasHh, int units)
    {
        int width = Gates * units;
        var keras = new float[SummedBias ? width : 2 * width]; // [G*u] or [2, G*u]
        for (int j = 0; j < Gates; j++)
            for (int k = 0; k < units; k++)
            {
                int source = TorchGateOfKerasGate[j] * units + k, target = j * units + k;
                if (SummedBias)
                {
                    keras[target] = biasIh[source] + biasHh[source];
                }
                else
                {
                    keras[target] = biasIh[source];
                    keras[width + target] = biasHh[source];
                }
            }
        return keras;
    }
}
