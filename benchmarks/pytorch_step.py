#!/usr/bin/env python3
"""Time one PyTorch training step of the model GpuLstm benchmarks.

Model and step (per shape B, T, I, H):
    x [B, T, I] float32 (batch-first) -> nn.LSTM(I, H, batch_first=True)
    -> h of the last time step [B, H] -> nn.Linear(H, 1) -> logits
    -> nn.BCEWithLogitsLoss (sigmoid + binary cross-entropy, fused) on targets in {0, 1}
    -> loss.backward() -> torch.optim.Adam(lr=1e-3, eps=1e-7).step()
    -> zero_grad(set_to_none=True) -> loss.item()

Shapes: "small" = B32_T10_I50_H128 (the founding Keras example), "large" =
B64_T100_I256_H256 (these two are the default --shapes), "xl" = B64_T100_I512_H512
and "b8" = B8_T100_I512_H512; the same keys as `gpulstm bench --shapes`.

--tf32 on|off sets torch.backends.cudnn.allow_tf32 (cuDNN's LSTM) and
torch.backends.cuda.matmul.allow_tf32 (cuBLAS matmuls, e.g. the Linear head) both
to True or False; without it PyTorch's defaults stand (cuDNN TF32 on, matmul off).
The JSON records the flag ("tf32") and the values read back ("allow_tf32").

Inputs and targets are generated once on the device with a fixed seed and are not
timed. Each step reads loss.item() exactly once, mirroring GpuLstm (which reads the
loss at most once per step); on CUDA that read also synchronizes the step, and
torch.cuda.synchronize() is called before and after the timed loop as well.
The reported figure is the median of the per-step wall times (the mean is shown too).

Run it with a Python that has torch. On this machine that is Debian's python3-torch:
    /usr/bin/python3 benchmarks/pytorch_step.py --steps 5 --warmup 2
(`python3` on PATH may be a pyenv interpreter without torch.)
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings

import torch
from torch import nn

MIN_WARMUP_SECONDS = 1.0

SHAPES = {  # name -> (batch, time steps, inputs, hidden)
    "small": (32, 10, 50, 128),
    "large": (64, 100, 256, 256),
    "xl": (64, 100, 512, 512),
    "b8": (8, 100, 512, 512),
}
DEFAULT_SHAPES = "small,large"
SEED = 1234
MIN_TIMED_STEPS = 5


class LstmClassifier(nn.Module):
    """LSTM -> last time step's h -> Linear(H, 1); returns logits [B, 1]."""

    def __init__(self, inputs, hidden):
        super().__init__()
        self.lstm = nn.LSTM(inputs, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def device_name(device):
    """A readable name for the device, e.g. 'cpu: AMD EPYC' or 'cuda: NVIDIA H100'."""
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return f"cpu: {line.split(':', 1)[1].strip()}"
    except OSError:
        pass
    return f"cpu: {platform.processor() or platform.machine()}"


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def bench_shape(shape, device, warmup, steps, seconds):
    """Times training steps of one shape; returns its JSON result record."""
    batch, time_steps, inputs, hidden = shape
    torch.manual_seed(SEED)
    gen = torch.Generator(device=device).manual_seed(SEED)
    x = torch.randn(batch, time_steps, inputs, device=device, generator=gen)
    y = torch.randint(0, 2, (batch, 1), device=device, generator=gen).float()
    model = LstmClassifier(inputs, hidden).to(device)
    loss_fn = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def step():
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()  # the one loss read per step (synchronizes on CUDA)

    # At least MIN_WARMUP_SECONDS of warm-up, as `gpulstm bench` does (there for .NET's tiered JIT).
    warm_start = time.perf_counter()
    done = 0
    while done < warmup or (warmup > 0 and time.perf_counter() - warm_start < MIN_WARMUP_SECONDS):
        step()
        done += 1
    sync(device)

    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
        if steps is not None:
            if len(times) >= steps:
                break
        elif len(times) >= MIN_TIMED_STEPS and time.perf_counter() - start >= seconds:
            break
    sync(device)
    if not math.isfinite(loss):
        raise RuntimeError(f"non-finite loss {loss} for shape {shape}")

    return {
        "name": f"B{batch}_T{time_steps}_I{inputs}_H{hidden}",
        "batch": batch,
        "steps": time_steps,
        "inputs": inputs,
        "hidden": hidden,
        "ms_per_step": statistics.median(times) * 1e3,
        "ms_mean": statistics.fmean(times) * 1e3,
        "timed_steps": len(times),
    }


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Time one PyTorch LSTM training step (LSTM -> Linear -> "
        "BCEWithLogitsLoss -> backward -> Adam) on GpuLstm's benchmark shapes.",
        epilog="Needs a Python with torch; on this machine run it as /usr/bin/python3 "
        "(python3 on PATH may be a pyenv interpreter without torch).",
    )
    p.add_argument("--device", choices=["cpu", "cuda"],
                   default="cuda" if torch.cuda.is_available() else "cpu",
                   help="default: cuda if available, else cpu")
    p.add_argument("--threads", type=int, default=os.cpu_count(),
                   help="torch.set_num_threads (default: os.cpu_count() = %(default)s)")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps per shape (default 5)")
    p.add_argument("--steps", type=int, default=None,
                   help="timed steps per shape (default: run >= --seconds and >= "
                        f"{MIN_TIMED_STEPS} steps)")
    p.add_argument("--seconds", type=float, default=3.0,
                   help="minimum timed seconds per shape when --steps is not given (default 3)")
    p.add_argument("--shapes", default=DEFAULT_SHAPES,
                   help="comma-separated subset of: " + ",".join(SHAPES)
                        + " (default: %(default)s)")
    p.add_argument("--tf32", choices=["on", "off"],
                   help="set torch.backends.cudnn.allow_tf32 and "
                        "torch.backends.cuda.matmul.allow_tf32 (default: PyTorch's own)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = p.parse_args(argv)
    args.shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in args.shapes if s not in SHAPES]
    if unknown or not args.shapes:
        p.error(f"unknown shape(s) {unknown}; choose from {','.join(SHAPES)}")
    if args.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda requested but torch.cuda.is_available() is False")
    if args.threads < 1 or args.warmup < 0 or (args.steps is not None and args.steps < 1):
        p.error("--threads and --steps must be >= 1, --warmup >= 0")
    return args


def set_tf32(mode):
    """Applies --tf32 (None keeps PyTorch's defaults) through the legacy flags, which set
    cuDNN's RNN and conv precision together (never mixed with the newer fp32_precision API)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch >= 2.9 warns that these flags will be deprecated
        if mode is not None:
            torch.backends.cudnn.allow_tf32 = mode == "on"
            torch.backends.cuda.matmul.allow_tf32 = mode == "on"
        return {"cudnn": bool(torch.backends.cudnn.allow_tf32),
                "cuda_matmul": bool(torch.backends.cuda.matmul.allow_tf32)}


def main(argv=None):
    args = parse_args(argv)
    allow_tf32 = set_tf32(args.tf32)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    name = device_name(device)
    cudnn = None
    if device.type == "cuda":
        cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.enabled else None

    results = [bench_shape(SHAPES[s], device, args.warmup, args.steps, args.seconds)
               for s in args.shapes]

    print(f"PyTorch {torch.__version__} | {name} | threads {torch.get_num_threads()}"
          + (f" | cuDNN {'enabled, ' + str(cudnn) if cudnn else 'disabled'}"
             if device.type == "cuda" else "")
          + f" | TF32 {args.tf32 or 'default'} (cudnn {allow_tf32['cudnn']}, "
            f"matmul {allow_tf32['cuda_matmul']})")
    print(f"loss: BCEWithLogitsLoss; optimizer: Adam(lr=1e-3, eps=1e-7); warmup {args.warmup}; "
          "loss.item() read once per step (synchronizes on CUDA), like GpuLstm")
    header = f"{'shape':<20} {'ms/step (median)':>17} {'ms/step (mean)':>15} {'steps timed':>12}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r['name']:<20} {r['ms_per_step']:>17.3f} {r['ms_mean']:>15.3f} "
              f"{r['timed_steps']:>12}")

    if args.json:
        doc = {
            "tool": "pytorch",
            "torch": torch.__version__,
            "device": name,
            "device_kind": device.type,
            "cudnn": cudnn,
            "tf32": args.tf32 or "default",
            "allow_tf32": allow_tf32,
            "threads": torch.get_num_threads(),
            "loss": "BCEWithLogitsLoss",
            "warmup": args.warmup,
            "results": results,
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
