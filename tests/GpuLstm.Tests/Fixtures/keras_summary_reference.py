#!/usr/bin/python3
"""Expected Keras 3 summary tables for FunctionalSummaryTests, rendered with rich.

Keras 3 itself is not installable on the build machine (no PyPI), but its print_summary is a rich table:
line length min(default, terminal columns - 4) = 76 in an 80-column terminal, column widths from the
positions [0.45, 0.80, 1.0] (chain-like graphs) or [0.3, 0.56, 0.74, 1.0] (with "Connected to"),
show_lines=True, printed without colour. This script builds the same table with Debian's python3-rich
(apt-get install python3-rich) for the rows Keras would produce, so the expected text is rich's, not ours:

    /usr/bin/python3 tests/GpuLstm.Tests/Fixtures/keras_summary_reference.py
"""
import rich.console
import rich.markup
import rich.table


def lstm(units, inputs):
    return 4 * (units * (inputs + units) + units)


def size(params):
    b = params * 4.0
    for unit in ["B", "KB", "MB", "GB"]:
        if b / 1024 < 1:
            return f"{b:.2f} {unit}"
        b /= 1024
    return f"{b:.2f} TB"


def render(name, rows, connected):
    line_length = 76
    positions = [0.3, 0.56, 0.74, 1.0] if connected else [0.45, 0.80, 1.0]
    header = ["Layer (type)", "Output Shape", "Param #", "Connected to"][: len(positions)]
    align = ["left", "left", "right", "left"]
    widths, current = [], 0
    for p in positions:
        widths.append(int(p * line_length) - current)
        current += widths[-1]
    table = rich.table.Table(*[rich.table.Column(h, justify=a, width=w) for h, a, w in zip(header, align, widths)],
                             width=line_length, show_lines=True)
    total = 0
    for row in rows:
        total += row[2]
        cells = [row[0], row[1], f"{row[2]:,}"] + ([row[3]] if connected else [])
        table.add_row(*[rich.markup.escape(c) for c in cells])
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=80)
    console.begin_capture()
    console.print(f'Model: "{name}"')
    console.print(table)
    for label in ["Total", "Trainable"]:
        console.print(f" {label} params: {total:,} ({size(total)})")
    console.print(" Non-trainable params: 0 (0.00 B)")
    return console.end_capture()


# The encoder-decoder: Input(None, 27) -> LSTM(256, return_state); Input(None, 40) -> LSTM(256,
# return_sequences, initial_state=[h, c]) -> Dense(40, softmax).
print(render("functional", [
    ["input_layer (InputLayer)", "(None, None, 27)", 0, "-"],
    ["input_layer_1 (InputLayer)", "(None, None, 40)", 0, "-"],
    ["lstm (LSTM)", "[(None, 256), (None, 256), (None, 256)]", lstm(256, 27), "input_layer[0][0]"],
    ["lstm_1 (LSTM)", "(None, None, 256)", lstm(256, 40), "input_layer_1[0][0], lstm[0][1], lstm[0][2]"],
    ["dense (Dense)", "(None, None, 40)", 256 * 40 + 40, "lstm_1[0][0]"],
], True))
# A chain: Input(10, 50) -> LSTM(128) -> Dense(1): Keras prints it like a Sequential, InputLayer row included.
print(render("chain", [
    ["input_layer (InputLayer)", "(None, 10, 50)", 0],
    ["lstm (LSTM)", "(None, 128)", lstm(128, 50)],
    ["dense (Dense)", "(None, 1)", 129],
], False))
# A shared Dense (one weight set) applied to two inputs, two outputs.
print(render("siamese", [
    ["left (InputLayer)", "(None, 8)", 0, "-"],
    ["right (InputLayer)", "(None, 8)", 0, "-"],
    ["shared (Dense)", "(None, 4)", 8 * 4 + 4, "left[0][0], right[0][0]"],
    ["dense (Dense)", "(None, 1)", 5, "shared[0][0]"],
    ["dense_1 (Dense)", "(None, 1)", 5, "shared[1][0]"],
], True))
# Two inputs joined by Concatenate, then Dense(2).
print(render("merged", [
    ["a (InputLayer)", "(None, 4)", 0, "-"],
    ["b (InputLayer)", "(None, 3)", 0, "-"],
    ["concatenate (Concatenate)", "(None, 7)", 0, "a[0][0], b[0][0]"],
    ["dense (Dense)", "(None, 2)", 7 * 2 + 2, "concatenate[0][0]"],
], True))
