#!/usr/bin/env python3
"""Run GpuLstm's benchmark and PyTorch's (benchmarks/pytorch_step.py) and compare them.

Steps:
  1. run the GpuLstm benchmark, by default
         dotnet run -c Release --project src/GpuLstm.Cli -- bench --json <tmp>/gpulstm.json
     from the repository root (--gpulstm-cmd replaces everything before "--json <path>",
     e.g. --gpulstm-cmd "./gpulstm bench"; --shapes K,.. is passed to both tools);
  2. run pytorch_step.py --json <tmp>/torch.json on the matching torch device
     (GpuLstm device_kind "cpu" -> torch "cpu", "cuda" -> "cuda"; --torch-device overrides)
     with --threads (default: os.cpu_count()), using a Python that can `import torch`
     (--python, else /usr/bin/python3, else python3 on PATH);
  3. match results by "name" and print a markdown table: ms/step of both, the ratio
     GpuLstm/PyTorch (< 1 means GpuLstm is faster) and GpuLstm's per-step counters.
     Both tools time every step: the ratio compares medians (ms_per_step), which a
     busy 2-core machine disturbs far less than means; the means are shown too.

--markdown PATH appends the header line and table to PATH (creating it if needed).
Exits 1 with a one-line error if either side fails or their results share no shape.

Only the standard library is needed here; on this machine run it as
    /usr/bin/python3 benchmarks/compare.py
(`python3` on PATH may be a pyenv interpreter without torch, which pytorch_step.py needs).
"""

import argparse
import datetime
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TORCH_SCRIPT = Path(__file__).resolve().parent / "pytorch_step.py"
DEFAULT_GPULSTM_CMD = "dotnet run -c Release --project src/GpuLstm.Cli -- bench"
TORCH_DEVICE = {"cpu": "cpu", "cuda": "cuda"}  # GpuLstm device_kind -> torch device


class CompareError(Exception):
    """A failure reported as one line on stderr."""


def torch_python(explicit):
    """The first of --python, /usr/bin/python3, python3 on PATH that can import torch."""
    candidates = [explicit] if explicit else ["/usr/bin/python3", shutil.which("python3")]
    for exe in filter(None, candidates):
        try:
            ok = subprocess.run([exe, "-c", "import torch"], capture_output=True).returncode == 0
        except OSError:
            ok = False
        if ok:
            return exe
    raise CompareError(f"no Python that can import torch among {[c for c in candidates if c]}")


def run_tool(label, cmd, json_path):
    """Runs cmd from the repo root; returns the JSON it wrote to json_path."""
    print(f"[compare] {label}: {shlex.join(cmd)}", file=sys.stderr, flush=True)
    try:
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    except OSError as e:
        raise CompareError(f"{label} could not start: {e}") from e
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        raise CompareError(f"{label} failed (exit {proc.returncode}): "
                           f"{lines[-1].strip() if lines else 'no output'}")
    try:
        doc = json.loads(Path(json_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CompareError(f"{label} wrote no readable JSON to {json_path}: {e}") from e
    if not isinstance(doc.get("results"), list):
        raise CompareError(f"{label} JSON has no \"results\" list")
    return doc


def fmt(value, spec):
    return "n/a" if value is None else format(value, spec)


def render(gl, pt):
    """The header line and markdown table comparing GpuLstm (gl) and PyTorch (pt) JSON."""
    torch_by_name = {r["name"]: r for r in pt["results"]}
    rows = [(g, torch_by_name[g["name"]]) for g in gl["results"] if g["name"] in torch_by_name]
    if not rows:
        raise CompareError("GpuLstm and PyTorch results share no shape name: "
                           f"{[r['name'] for r in gl['results']]} vs {list(torch_by_name)}")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cudnn = f", cuDNN {pt['cudnn']}" if pt.get("cudnn") else ""
    if pt.get("device_kind") == "cuda" and pt.get("tf32"):
        cudnn += f", TF32 {pt['tf32']}"
    lines = [
        f"**{now}** — GpuLstm: {gl.get('device', '?')} (GEMM {gl.get('gemm', '?')}) · "
        f"PyTorch {pt.get('torch', '?')}: {pt.get('device', '?')}, "
        f"{pt.get('threads', '?')} threads{cudnn}",
        "",
        "| shape | GpuLstm ms/step (median) | PyTorch ms/step (median) | ratio (GpuLstm/PyTorch) "
        "| GpuLstm mean | PyTorch mean | launches/step | allocs/step | transfers/step | high-water MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for g, t in rows:
        ratio = g["ms_per_step"] / t["ms_per_step"] if t["ms_per_step"] else None
        lines.append(
            f"| {g['name']} | {g['ms_per_step']:.3f} | {t['ms_per_step']:.3f} "
            f"| {fmt(ratio, '.2f')} | {fmt(g.get('ms_mean'), '.3f')} | {t['ms_mean']:.3f} "
            f"| {fmt(g.get('launches_per_step'), 'g')} "
            f"| {fmt(g.get('allocations_per_step'), 'g')} | {fmt(g.get('transfers_per_step'), 'g')} "
            f"| {fmt(g.get('memory_high_water_mb'), '.1f')} |")
    skipped = [g["name"] for g in gl["results"] if g["name"] not in torch_by_name]
    if skipped:
        lines.append(f"\n(no PyTorch result for: {', '.join(skipped)})")
    return "\n".join(lines) + "\n"


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Run GpuLstm's and PyTorch's LSTM training-step benchmarks and print "
        "them side by side as mean ms per timed step (ratio = GpuLstm/PyTorch; < 1 means "
        "GpuLstm is faster).",
        epilog="On this machine run it as /usr/bin/python3 benchmarks/compare.py; the "
        "PyTorch side runs under --python, else /usr/bin/python3, else python3 on PATH, "
        "whichever can import torch first.",
    )
    p.add_argument("--gpulstm-cmd", default=DEFAULT_GPULSTM_CMD,
                   help='GpuLstm benchmark command, run from the repo root; "--json PATH" is '
                        'appended (default: "%(default)s")')
    p.add_argument("--torch-device", choices=["cpu", "cuda"],
                   help="torch device (default: mapped from GpuLstm's device_kind)")
    p.add_argument("--threads", type=int, default=os.cpu_count(),
                   help="torch threads (default: os.cpu_count() = %(default)s)")
    p.add_argument("--warmup", type=int, help="passed to pytorch_step.py --warmup")
    p.add_argument("--steps", type=int, help="passed to pytorch_step.py --steps")
    p.add_argument("--shapes", help="comma-separated shape keys (small,large,xl,b8) passed to both "
                        "as --shapes (default: each tool's default, small,large)")
    p.add_argument("--tf32", choices=["on", "off"], help="passed to pytorch_step.py --tf32")
    p.add_argument("--python", help="Python with torch for pytorch_step.py")
    p.add_argument("--markdown", metavar="PATH", help="append the header and table to PATH")
    return p.parse_args(argv)


def compare(args):
    python = torch_python(args.python)
    with tempfile.TemporaryDirectory(prefix="gpulstm-compare-") as tmp:
        gl_json, pt_json = Path(tmp, "gpulstm.json"), Path(tmp, "torch.json")
        shapes = ["--shapes", args.shapes] if args.shapes else []
        gl = run_tool("GpuLstm", shlex.split(args.gpulstm_cmd) + shapes + ["--json", str(gl_json)],
                      gl_json)
        kind = gl.get("device_kind")
        device = args.torch_device or TORCH_DEVICE.get(kind)
        if device is None:
            raise CompareError(f"no torch device for GpuLstm device_kind {kind!r}; "
                               "pass --torch-device cpu|cuda")
        cmd = [python, str(TORCH_SCRIPT), "--json", str(pt_json),
               "--device", device, "--threads", str(args.threads)]
        for flag, value in (("--warmup", args.warmup), ("--steps", args.steps),
                            ("--shapes", args.shapes), ("--tf32", args.tf32)):
            if value is not None:
                cmd += [flag, str(value)]
        pt = run_tool("PyTorch", cmd, pt_json)
    table = render(gl, pt)
    print(table, end="")
    if args.markdown:
        path = Path(args.markdown)
        with path.open("a", encoding="utf-8") as f:
            f.write(("\n" if path.stat().st_size else "") + table)


def main(argv=None):
    try:
        compare(parse_args(argv))
    except CompareError as e:
        print(f"compare.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
