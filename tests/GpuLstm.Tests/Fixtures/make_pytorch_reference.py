#!/usr/bin/python3
"""PyTorch reference fixtures for GpuLstm's safetensors reader and model importer.

README
------
Regenerate (from the repository root; needs PyTorch, e.g. Debian's python3-torch):

    /usr/bin/python3 tests/GpuLstm.Tests/Fixtures/make_pytorch_reference.py

The output is deterministic (torch.manual_seed, float32, CPU, fixed inputs) and is
written next to this script. The pip `safetensors` package is not required: a tiny
writer below produces the same layout as the reference implementation (JSON header
padded with spaces to a multiple of 8 bytes, tensors contiguous in header order).

Layout notes for importing into a Keras-layout model:
  * PyTorch's LSTM gate order is i, f, g, o (input, forget, cell candidate, output).
  * weight_ih_l{k} is [4H, In] and weight_hh_l{k} is [4H, H] (rows = gates stacked
    in that order); Keras's kernel is [In, 4H] and recurrent_kernel is [H, 4H], i.e.
    the transposes.
  * PyTorch has two biases, bias_ih_l{k} and bias_hh_l{k}, each [4H]; they are
    always added together, so a Keras-layout bias [4H] is their sum.
  * Bidirectional layers add the same parameters with the suffix `_reverse`; the
    output concatenates [forward, backward] along the last axis, and h_n/c_n are
    [num_layers * num_directions, B, H] with the forward direction first.
  * nn.Linear's weight is [Out, In] (Keras's Dense kernel is [In, Out]).
  * PyTorch's GRU gate order is r, z, n (reset, update, candidate); Keras's is z, r, h.
    weight_ih_l0 [3H, In] / weight_hh_l0 [3H, H] become the kernels [In, 3H] / [H, 3H]
    by a transpose plus that reordering of the row blocks. PyTorch's GRU is Keras's
    reset_after=True: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), so bias_ih is the
    Keras bias row 0 and bias_hh row 1 (bias [2, 3H], also reordered), not a sum.
  * Keras's Adam puts epsilon outside the bias-corrected sqrt(v): after one step
    p -= lr * m / (sqrt(v) + eps_keras) with m, v bias-corrected except that eps is
    scaled by sqrt(1 - beta2). torch.optim.Adam with eps = eps_keras / sqrt(1 - beta2)
    takes exactly Keras's first step.

Files:
  pytorch_lstm_dense.safetensors     state_dict of LSTM(7, 5, num_layers=2) + Linear(5, 3)
  pytorch_lstm_dense_io.safetensors  x [3, 6, 7], y_sequence [3, 6, 5], h_n/c_n [2, 3, 5],
                                     y_dense [3, 3] (Linear on the last step's output)
  pytorch_bilstm.safetensors         state_dict of LSTM(4, 3, bidirectional=True)
  pytorch_bilstm_io.safetensors      x [2, 5, 4], y_sequence [2, 5, 6], h_n/c_n [2, 2, 3]
  pytorch_lstm_grads.safetensors     LSTM(7, 5) + Linear(5, 1) + sigmoid + BCELoss(mean):
                                     weights, x [3, 6, 7], y [3, 1], loss [1], grad.<param>
  pytorch_gru_adam.safetensors       GRU(7, 5) + Linear(5, 1) on the last step + sigmoid +
                                     BCELoss(mean): weights, x [3, 6, 7], y [3, 1],
                                     y_sequence [3, 6, 5], h_n [1, 3, 5], loss [1],
                                     grad.<param>, adam.<param> (the weights after one
                                     Adam step, lr 0.01, Keras epsilon 1e-7 as above)
  pytorch_softmax_masked.safetensors Embedding(6, 4) + LSTM(4, 5) + Linear(5, 3) per step,
                                     softmax + cross-entropy over the real steps only (ignore_index
                                     on the right padding, token 0): weights, tokens [3, 5],
                                     labels [3, 5], probs [3, 5, 3], loss [1], grad.<param>
"""

import json
import math
import os
import struct

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def write_safetensors(path, tensors, metadata=None):
    """Minimal safetensors writer (F32 only): same byte layout as the reference library."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        t = tensor.detach().to(torch.float32).contiguous().cpu()
        data = t.numpy().astype("<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # The reference implementation pads the header so the data section is 8-byte aligned.
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    print(f"  {os.path.basename(path)}: {len(tensors)} tensors, {os.path.getsize(path)} bytes")
    for name, tensor in tensors.items():
        print(f"    {name:28s} {list(tensor.shape)}")


class LstmDense(nn.Module):
    """LSTM followed by a Linear layer applied to the last time step."""

    def __init__(self, inputs, hidden, layers, outputs):
        super().__init__()
        self.lstm = nn.LSTM(inputs, hidden, num_layers=layers, batch_first=True)
        self.dense = nn.Linear(hidden, outputs)

    def forward(self, x):
        seq, (h_n, c_n) = self.lstm(x)
        return seq, h_n, c_n, self.dense(seq[:, -1, :])


class BiLstm(nn.Module):
    """A lone bidirectional LSTM, wrapped so its names carry the `lstm.` prefix."""

    def __init__(self, inputs, hidden):
        super().__init__()
        self.lstm = nn.LSTM(inputs, hidden, num_layers=1, batch_first=True, bidirectional=True)

    def forward(self, x):
        seq, (h_n, c_n) = self.lstm(x)
        return seq, h_n, c_n


class GruDense(nn.Module):
    """GRU followed by a Linear layer applied to the last time step."""

    def __init__(self, inputs, hidden, outputs):
        super().__init__()
        self.gru = nn.GRU(inputs, hidden, batch_first=True)
        self.dense = nn.Linear(hidden, outputs)

    def forward(self, x):
        seq, h_n = self.gru(x)
        return seq, h_n, self.dense(seq[:, -1, :])


def meta(description):
    return {"generator": "make_pytorch_reference.py", "torch": torch.__version__, "description": description}


def make_lstm_dense():
    torch.manual_seed(1234)
    model = LstmDense(7, 5, 2, 3).eval()
    x = torch.randn(3, 6, 7)
    with torch.no_grad():
        seq, h_n, c_n, y_dense = model(x)
    write_safetensors(os.path.join(HERE, "pytorch_lstm_dense.safetensors"), dict(model.state_dict()),
                      meta("state_dict of nn.LSTM(7, 5, num_layers=2, batch_first=True) + nn.Linear(5, 3)"))
    write_safetensors(os.path.join(HERE, "pytorch_lstm_dense_io.safetensors"),
                      {"x": x, "y_sequence": seq, "h_n": h_n, "c_n": c_n, "y_dense": y_dense},
                      meta("input and outputs of pytorch_lstm_dense; y_dense = dense(y_sequence[:, -1])"))


def make_bilstm():
    torch.manual_seed(5678)
    model = BiLstm(4, 3).eval()
    x = torch.randn(2, 5, 4)
    with torch.no_grad():
        seq, h_n, c_n = model(x)
    write_safetensors(os.path.join(HERE, "pytorch_bilstm.safetensors"), dict(model.state_dict()),
                      meta("state_dict of nn.LSTM(4, 3, batch_first=True, bidirectional=True)"))
    write_safetensors(os.path.join(HERE, "pytorch_bilstm_io.safetensors"),
                      {"x": x, "y_sequence": seq, "h_n": h_n, "c_n": c_n},
                      meta("input and outputs of pytorch_bilstm; y_sequence = [forward, backward] on the last axis"))


def make_lstm_grads():
    torch.manual_seed(9012)
    model = LstmDense(7, 5, 1, 1)
    x = torch.randn(3, 6, 7)
    y = torch.tensor([[1.0], [0.0], [1.0]])
    _, _, _, logits = model(x)
    loss = nn.BCELoss(reduction="mean")(torch.sigmoid(logits), y)
    model.zero_grad()
    loss.backward()
    tensors = dict(model.state_dict())
    tensors["x"] = x
    tensors["y"] = y
    tensors["loss"] = loss.detach().reshape(1)
    for name, p in model.named_parameters():
        tensors["grad." + name] = p.grad
    write_safetensors(os.path.join(HERE, "pytorch_lstm_grads.safetensors"), tensors,
                      meta("nn.LSTM(7, 5) + nn.Linear(5, 1) on the last step + sigmoid + BCELoss(mean)"))
    print(f"    loss = {loss.item():.9f}")


def make_gru_adam():
    torch.manual_seed(3456)
    model = GruDense(7, 5, 1)
    x = torch.randn(3, 6, 7)
    y = torch.tensor([[1.0], [0.0], [1.0]])
    seq, h_n, logits = model(x)
    loss = nn.BCELoss(reduction="mean")(torch.sigmoid(logits), y)
    tensors = {name: t.detach().clone() for name, t in model.state_dict().items()}
    tensors["x"] = x
    tensors["y"] = y
    tensors["y_sequence"] = seq
    tensors["h_n"] = h_n
    tensors["loss"] = loss.detach().reshape(1)
    model.zero_grad()
    loss.backward()
    for name, p in model.named_parameters():
        tensors["grad." + name] = p.grad.detach().clone()
    beta2, keras_epsilon = 0.999, 1e-7
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, beta2),
                                 eps=keras_epsilon / math.sqrt(1 - beta2))
    optimizer.step()
    for name, p in model.named_parameters():
        tensors["adam." + name] = p.detach().clone()
    write_safetensors(os.path.join(HERE, "pytorch_gru_adam.safetensors"), tensors,
                      meta("nn.GRU(7, 5) + nn.Linear(5, 1) on the last step + sigmoid + BCELoss(mean); "
                           "adam.* after one Keras-equivalent Adam step (lr 0.01, epsilon 1e-7)"))
    print(f"    loss = {loss.item():.9f}")


class EmbeddingLstmSoftmax(nn.Module):
    """Token ids -> Embedding -> LSTM (every step) -> Linear logits per step."""

    def __init__(self, vocab, dim, hidden, classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.dense = nn.Linear(hidden, classes)

    def forward(self, tokens):
        seq, _ = self.lstm(self.embedding(tokens))
        return self.dense(seq)


def make_softmax_masked():
    # Right padding: a forward LSTM's outputs at real steps do not depend on the padding after them, so
    # PyTorch's cross-entropy with ignore_index equals Keras's masked mean (mask_zero on the embedding).
    torch.manual_seed(7890)
    model = EmbeddingLstmSoftmax(6, 4, 5, 3)
    tokens = torch.tensor([[3, 1, 4, 0, 0], [2, 5, 1, 2, 3], [1, 0, 0, 0, 0]])
    labels = torch.tensor([[0, 2, 1, 0, 0], [1, 1, 0, 2, 2], [2, 0, 0, 0, 0]])
    logits = model(tokens)
    loss = nn.CrossEntropyLoss(ignore_index=-100)(logits.reshape(-1, 3), labels.masked_fill(tokens == 0, -100).reshape(-1))
    tensors = {name: t.detach().clone() for name, t in model.state_dict().items()}
    tensors["tokens"] = tokens.float()
    tensors["labels"] = labels.float()
    tensors["probs"] = torch.softmax(logits, -1).detach()
    tensors["loss"] = loss.detach().reshape(1)
    model.zero_grad()
    loss.backward()
    for name, p in model.named_parameters():
        tensors["grad." + name] = p.grad.detach().clone()
    write_safetensors(os.path.join(HERE, "pytorch_softmax_masked.safetensors"), tensors,
                      meta("nn.Embedding(6, 4) + nn.LSTM(4, 5) + nn.Linear(5, 3) per step; softmax cross-entropy "
                           "over real steps (token 0 = right padding, ignore_index)"))
    print(f"    loss = {loss.item():.9f}")


def main():
    torch.set_default_dtype(torch.float32)
    print(f"torch {torch.__version__}; writing fixtures to {HERE}")
    make_lstm_dense()
    make_bilstm()
    make_lstm_grads()
    make_gru_adam()
    make_softmax_masked()


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------------------------------------
# State_dict import by module name (Sequential.LoadPyTorchStateDict). Kept as its own section after
# main so other additions to this script merge cleanly; it runs after main.
#
#   pytorch_named_heads.safetensors     state_dict of NamedHeads, header sorted by name as
#                                       safetensors.torch.save_file writes it: emb, encoder (2-layer
#                                       LSTM), head, proj, where proj and head are equal Linear(8, 8)
#                                       and the model applies proj first (sorted order says head first)
#   pytorch_named_heads_io.safetensors  x [3, 5] token ids (as floats), y [3, 8]
#   pytorch_tagger.safetensors          state_dict of Tagger, sorted: a bidirectional LSTM and a
#                                       ModuleList [Linear(12, 12) per time step, LSTM(12, 12),
#                                       Linear(12, 12) on the last step]
#   pytorch_tagger_io.safetensors       x [2, 5, 4], y [2, 12]
#   pytorch_gru_import.safetensors      state_dict of GruDense, sorted: GRU(4, 5, num_layers=2) and
#                                       Linear(5, 3) on the last step (gates r, z, n; Keras z, r, h)
#   pytorch_gru_import_io.safetensors   x [3, 6, 4], y [3, 3]
#   pytorch_rnn_import.safetensors      state_dict of RnnDense, sorted: bidirectional RNN(4, 5) (tanh)
#                                       and Linear(10, 3) on both directions' final states
#   pytorch_rnn_import_io.safetensors   x [3, 6, 4], y [3, 3]
# ---------------------------------------------------------------------------------------------


class NamedHeads(nn.Module):
    """Embedding -> 2-layer LSTM -> proj (tanh) -> head: two Linears of equal shape under named attributes."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(11, 6)
        self.encoder = nn.LSTM(6, 8, num_layers=2, batch_first=True)
        self.proj = nn.Linear(8, 8)
        self.head = nn.Linear(8, 8)

    def forward(self, ids):
        seq, _ = self.encoder(self.emb(ids))
        return self.head(torch.tanh(self.proj(seq[:, -1, :])))


class Tagger(nn.Module):
    """Bidirectional LSTM -> ModuleList[Linear per step (tanh), LSTM, Linear on the last step]."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(4, 6, batch_first=True, bidirectional=True)
        self.layers = nn.ModuleList([nn.Linear(12, 12), nn.LSTM(12, 12, batch_first=True), nn.Linear(12, 12)])

    def forward(self, x):
        seq, _ = self.rnn(x)
        seq, _ = self.layers[1](torch.tanh(self.layers[0](seq)))
        return self.layers[2](seq[:, -1, :])


def sorted_state_dict(model):
    """The state_dict in the order safetensors.torch.save_file's header lists it: sorted by name."""
    return dict(sorted(model.state_dict().items()))


def write_import_fixture(name, seed, model_class, make_input, description):
    """pytorch_{name}.safetensors (the sorted state_dict) and pytorch_{name}_io.safetensors (x as floats, y)."""
    torch.manual_seed(seed)
    model = model_class().eval()
    x = make_input()
    with torch.no_grad():
        y = model(x)
    write_safetensors(os.path.join(HERE, f"pytorch_{name}.safetensors"), sorted_state_dict(model),
                      meta(f"state_dict of {description}, sorted by name"))
    write_safetensors(os.path.join(HERE, f"pytorch_{name}_io.safetensors"), {"x": x.to(torch.float32), "y": y},
                      meta(f"input and output of pytorch_{name}"))


class GruDense(nn.Module):
    """A stacked GRU and a Linear on its last step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 5, num_layers=2, batch_first=True)
        self.out = nn.Linear(5, 3)

    def forward(self, x):
        seq, _ = self.gru(x)
        return self.out(seq[:, -1, :])


class RnnDense(nn.Module):
    """A bidirectional Elman RNN and a Linear on both directions' final states (Keras's Bidirectional without return_sequences)."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 5, batch_first=True, bidirectional=True)
        self.out = nn.Linear(10, 3)

    def forward(self, x):
        _, h_n = self.rnn(x)  # [2, B, 5]: forward, backward
        return self.out(torch.cat([h_n[0], h_n[1]], dim=-1))


def make_import_by_name():
    torch.set_default_dtype(torch.float32)
    write_import_fixture("named_heads", 3456, NamedHeads, lambda: torch.randint(0, 11, (3, 5)),
                         "NamedHeads (Embedding(11, 6), LSTM(6, 8, num_layers=2), proj then head Linear(8, 8))")
    write_import_fixture("tagger", 7890, Tagger, lambda: torch.randn(2, 5, 4),
                         "Tagger (bidirectional LSTM(4, 6), ModuleList[Linear(12, 12), LSTM(12, 12), Linear(12, 12)])")
    write_import_fixture("gru_import", 2468, GruDense, lambda: torch.randn(3, 6, 4),
                         "GruDense (nn.GRU(4, 5, num_layers=2, batch_first=True) + nn.Linear(5, 3))")
    write_import_fixture("rnn_import", 1357, RnnDense, lambda: torch.randn(3, 6, 4),
                         "RnnDense (nn.RNN(4, 5, batch_first=True, bidirectional=True) + nn.Linear(10, 3))")


if __name__ == "__main__":
    make_import_by_name()
