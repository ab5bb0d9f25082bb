#!/usr/bin/env python3
"""What is bit-identical and what is not: trains the same model (same seed) under several
configurations with `gpulstm train` and compares the saved weights with the first run's.

    python3 benchmarks/determinism.py [--cli PATH/GpuLstm.Cli.dll] [--epochs 3] [--units 256]

The README's determinism paragraph quotes this script's table. Standard library only.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
from array import array

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CLI = os.path.join(ROOT, "src/GpuLstm.Cli/bin/Release/net10.0/GpuLstm.Cli.dll")


def read_safetensors(path):
    """Every F32 tensor of a safetensors file as a flat array, by name."""
    with open(path, "rb") as f:
        blob = f.read()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_len])
    data = blob[8 + header_len:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        values = array("f")
        values.frombytes(data[start:end])
        tensors[name] = values
    return tensors


def train(cli, out_dir, args, env_extra):
    env = dict(os.environ)
    env.update(env_extra)
    cmd = ["dotnet", cli, "train", "--quiet", "--out", out_dir, "--epochs", str(args.epochs),
           "--units", str(args.units), "--batch", str(args.batch), "--seed", "0"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"determinism.py: `{' '.join(cmd)}` with {env_extra} failed ({done.returncode}):\n{done.stderr}")
    with open(os.path.join(out_dir, "metrics.json")) as f:
        metrics = json.load(f)
    weights = {k: v for k, v in read_safetensors(os.path.join(out_dir, "model.safetensors")).items()
               if not k.startswith("optimizer")}
    return metrics, weights


def compare(reference, other):
    total = differing = 0
    worst = 0.0
    for name, ref in reference.items():
        values = other[name]
        for a, b in zip(ref, values):
            total += 1
            if a != b:
                differing += 1
                worst = max(worst, abs(a - b))
    return total, differing, worst


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--epochs", type=int, default=3)
    # 256 units and batch 128 make the GEMMs large enough for OpenBLAS to use several threads.
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()
    if not os.path.exists(args.cli):
        sys.exit(f"determinism.py: {args.cli} not found; run `dotnet build GpuLstm.sln -c Release` first")

    # (label, environment, index of the run it is compared with)
    configs = [
        ("OpenBLAS, default threads (reference)", {"GPULSTM_GEMM": "openblas"}, None),
        ("same again, new process", {"GPULSTM_GEMM": "openblas"}, 0),
        ("OpenBLAS, OPENBLAS_NUM_THREADS=1", {"GPULSTM_GEMM": "openblas", "OPENBLAS_NUM_THREADS": "1"}, 0),
        ("OpenBLAS, OPENBLAS_NUM_THREADS=2", {"GPULSTM_GEMM": "openblas", "OPENBLAS_NUM_THREADS": "2"}, 0),
        ("GpuLstm's ILGPU GEMM (GPULSTM_GEMM=ilgpu)", {"GPULSTM_GEMM": "ilgpu"}, 0),
        ("ILGPU GEMM again, against the ILGPU run", {"GPULSTM_GEMM": "ilgpu"}, 4),
    ]
    print(f"gpulstm train --epochs {args.epochs} --units {args.units} --batch {args.batch} --seed 0 "
          f"(CPU accelerator, {os.cpu_count()} CPUs)\n")
    print("| configuration | final loss | weights differing from the run compared with | max abs difference |")
    print("|---|---|---|---|")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, env, against) in enumerate(configs):
            metrics, weights = train(args.cli, os.path.join(tmp, str(i)), args, env)
            runs.append(weights)
            loss = repr(metrics["history"]["loss"][-1])
            if against is None:
                print(f"| {label} | {loss} | - | - |", flush=True)
                continue
            total, differing, worst = compare(runs[against], weights)
            print(f"| {label} | {loss} | {differing} of {total} ({100.0 * differing / total:.1f}%) | {worst:.3g} |", flush=True)

if __name__ == "__main__":
    main()
