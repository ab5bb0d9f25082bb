using GpuLstm.Models.PyTorch;

namespace GpuLstm.Models;

/// <summary>Imports a PyTorch state_dict saved as safetensors (see <see cref="LoadPyTorchStateDict(string)"/>).</summary>
public partial class Model
{
    /// <summary>
    /// Loads a PyTorch state_dict saved as safetensors (<c>safetensors.torch.save_file(model.state_dict(), path)</c>)
    /// into this model (Sequential or functional; layers in <see cref="Layers"/> order), pairing PyTorch modules with layers by their state_dict prefixes:
    /// nn.Linear (<c>fc.weight</c> [out, in], <c>fc.bias</c>) fills a Dense or TimeDistributed(Dense) (kernel transposed);
    /// nn.Embedding (<c>emb.weight</c> [num, dim]) an Embedding; layer k of an nn.LSTM (<c>rnn.weight_ih_l{k}</c> [4H, in],
    /// <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>; gates i, f, g, o as in Keras, biases summed) an LSTM,
    /// with its <c>_reverse</c> tensors a Bidirectional(LSTM). A stacked nn.LSTM(num_layers: k) fills k consecutive
    /// recurrent layers. nn.GRU (gates r, z, n to Keras z, r, h; bias_ih and bias_hh as rows 0 and 1 of a
    /// resetAfter GRU's [2, 3H] bias) and nn.RNN fill GRU and SimpleRNN layers the same way.
    /// <para>
    /// The pairing is by kind and shape, keeping the order the file fixes: nn.Sequential/ModuleList indices
    /// (<c>0.</c>, <c>1.</c>, <c>head.2.</c>) go to layers in increasing order, a stacked RNN's layers in layer order.
    /// Named attributes (<c>encoder</c>, <c>fc</c>) carry no order, since a safetensors header lists tensors sorted by
    /// name: when two of them fit the same layers (two equal nn.Linear, say) the load fails naming both; name the
    /// pairing with <see cref="LoadPyTorchStateDict(string, IReadOnlyDictionary{string, string})"/>.
    /// </para>
    /// <para>
    /// All or nothing: every tensor of the file must fill a layer and every layer with weights must be filled,
    /// with matching shapes; otherwise an <see cref="InvalidDataException"/> names the file, the PyTorch tensor and
    /// the Keras layer and weight with both shapes (or lists the tensors left unused), and no weight changes.
    /// </para>
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not fit this model, or the pairing is ambiguous.</exception>
    /// <exception cref="NotSupportedException">A layer with weights has no PyTorch counterpart.</exception>
    public void LoadPyTorchStateDict(string path) => ImportStateDict(path, null);

    /// <summary>
    /// Loads a PyTorch state_dict as <see cref="LoadPyTorchStateDict(string)"/> does, with the pairing of some or all
    /// layers given. Keys are Keras layer names as this model lists them (<c>dense_1</c>; a TimeDistributed or
    /// Bidirectional by its own name); values are PyTorch module prefixes without the final dot, as in the
    /// state_dict: <c>"fc2"</c> for <c>fc2.weight</c>, <c>"head.0"</c> for <c>head.0.weight</c>, <c>""</c> for a module
    /// saved on its own. A layer of a stacked RNN is selected with <c>_l{k}</c>: <c>"encoder_l1"</c> is layer 1 of
    /// module <c>encoder</c> (its <c>weight_ih_l1</c>, ...; with <c>_reverse</c> too for a Bidirectional);
    /// a one-layer RNN takes <c>"encoder"</c> or <c>"encoder_l0"</c>. Mapped pairs are taken as given (the order
    /// rules do not apply to them); the remaining layers are paired automatically among the remaining modules.
    /// </summary>
    /// <example><code>
    /// model.LoadPyTorchStateDict("net.safetensors", new Dictionary&lt;string, string&gt;
    /// {
    ///     ["embedding"] = "emb", ["lstm"] = "encoder_l0", ["lstm_1"] = "encoder_l1", ["dense"] = "hidden", ["dense_1"] = "out",
    /// });
    /// </code></example>
    /// <exception cref="ArgumentException">The mapping names a layer without weights, a module the file lacks, a whole stacked RNN, or one module twice.</exception>
    /// <exception cref="InvalidDataException">A mapped pair, or the rest of the file, does not fit; or the rest is ambiguous.</exception>
    public void LoadPyTorchStateDict(string path, IReadOnlyDictionary<string, string> layerToPrefix)
    {
        ArgumentNullException.ThrowIfNull(layerToPrefix);
        ImportStateDict(path, layerToPrefix);
    }

    private void ImportStateDict(string path, IReadOnlyDictionary<string, string>? layerToPrefix)
    {
        using var _ = EnterBusy("LoadPyTorchStateDict");
        Build();
        TorchStateDictImporter.Load(path, Name, Layers, Parameters!, layerToPrefix);
    }
}
