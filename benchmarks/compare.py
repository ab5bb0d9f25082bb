#!/usr/bin/env python3
"""Time GpuLstm's training step against PyTorch's on this CPU, fairly, and print one table.

Contenders (each a fresh process per shape and round):
  gpulstm        `gpulstm bench` (built once with `dotnet build -c Release src/GpuLstm.Cli`, then
                 run as `dotnet <GpuLstm.Cli.dll> bench`; --gpulstm-cmd replaces that command);
  torch (host)   benchmarks/pytorch_step.py under the host's Python with torch (--python, else
                 /usr/bin/python3: Debian 12's python3-torch 1.13), at each of --threads (2,1);
  torch (chroot) the same script under the chroot's python3 (--chroot, default
                 /var/cache/gpulstm/trixie, the Debian 13 chroot .ci/opencl.sh creates, with
                 python3-torch 2.6 and libopenblas0-pthread), at each of --threads.

PyTorch always runs in its best configuration on this 2-vCPU machine: OMP_WAIT_POLICY=PASSIVE (its
OpenMP threads otherwise spin and fight BLAS's threads), and for N threads torch.set_num_threads(N),
OMP_NUM_THREADS=N and OPENBLAS_NUM_THREADS=N. Where a build's OpenBLAS does not recognise the CPU and falls
back to pre-AVX2 kernels (Debian 12's 0.3.21 picks "Prescott" on an Emerald Rapids Xeon), it runs with the
OPENBLAS_CORETYPE GpuLstm forces in that case (SkylakeX or Haswell; --torch-coretype keep|NAME overrides).

Rounds are interleaved: round r runs, per shape, gpulstm, then each torch build at each thread count.
Every contender times --steps steps (default 15) after --warmup steps (default 5), and at least 1 s of
warm-up (both `gpulstm bench` and pytorch_step.py: .NET's tiered JIT optimises hot methods only after
they have run for a while), and reports the median;
the final table gives per shape the median over rounds of each contender, the faster PyTorch
configuration and the ratio GpuLstm / that PyTorch (< 1: GpuLstm is faster). The 1-minute load
average is printed beside each round (start -> end): compare ratios from one run, on a quiet machine.

The chroot contender needs root: the script runs in a private mount namespace
(`unshare --mount`), where /proc, a read-only /sys and a temporary folder holding pytorch_step.py
(at /mnt) are mounted; they vanish with that process, so nothing is left mounted under the chroot.
It holds the chroot's lock file (<chroot>.lock, the one .ci/opencl.sh takes) while it runs, so it
never overlaps an OpenCL CI run there. Install torch in the chroot once with
    flock /var/cache/gpulstm/trixie.lock unshare --mount --propagation private sh -c \\
      'mount -t proc proc /var/cache/gpulstm/trixie/proc && chroot /var/cache/gpulstm/trixie \\
       apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread'
(without libopenblas0-pthread that torch silently uses reference BLAS, ~10x slower).

--quick is a smoke run (1 round, 1 warm-up, 3 timed steps); --markdown PATH appends the per-round
and final tables to PATH. Standard library only; run it as
    /usr/bin/python3 benchmarks/compare.py [--quick] [--shapes small,large,xl] [--markdown PATH]
Exits 1 with a one-line error when a contender fails.
"""

import argparse
import datetime
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TORCH_SCRIPT = Path(__file__).resolve().parent / "pytorch_step.py"
CLI_PROJECT = REPO / "src" / "GpuLstm.Cli"
DEFAULT_CHROOT = "/var/cache/gpulstm/trixie"
SHAPE_KEYS = ("small", "large", "xl", "b8")  # as in `gpulstm bench --shapes` and pytorch_step.py
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class CompareError(Exception):
    """A failure reported as one line on stderr."""


def load1():
    """The 1-minute load average, or None where the OS has none."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def fmt(value, spec):
    return "n/a" if value is None else format(value, spec)


def run(label, cmd, env=None, cwd=REPO):
    """Runs cmd; returns its stdout; raises CompareError with its last output line on failure."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    except OSError as e:
        raise CompareError(f"{label} could not start: {e}") from e
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        raise CompareError(f"{label} failed (exit {proc.returncode}): "
                           f"{lines[-1].strip() if lines else 'no output'}")
    return proc.stdout


def read_results(label, json_path):
    try:
        doc = json.loads(Path(json_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CompareError(f"{label} wrote no readable JSON to {json_path}: {e}") from e
    if not isinstance(doc.get("results"), list) or not doc["results"]:
        raise CompareError(f"{label} JSON has no \"results\"")
    return doc


class GpuLstm:
    """`gpulstm bench` for one shape per call."""

    def __init__(self, args):
        self.label = "GpuLstm"
        if args.gpulstm_cmd:
            self.cmd = shlex.split(args.gpulstm_cmd)
        else:
            if not args.no_build:
                print("[compare] dotnet build -c Release src/GpuLstm.Cli", file=sys.stderr, flush=True)
                run("dotnet build", ["dotnet", "build", "-c", "Release", str(CLI_PROJECT),
                                     "-nologo", "-v", "quiet", "-clp:NoSummary"])
            dlls = sorted(CLI_PROJECT.glob("bin/Release/*/GpuLstm.Cli.dll"))
            if not dlls:
                raise CompareError(f"no GpuLstm.Cli.dll under {CLI_PROJECT}/bin/Release (build it first)")
            self.cmd = ["dotnet", str(dlls[-1]), "bench"]
        self.info = None

    def measure(self, shape, warmup, steps, tmp):
        out = Path(tmp, "gpulstm.json")
        run(self.label, self.cmd + ["--shapes", shape, "--warmup", str(warmup), "--steps", str(steps),
                                    "--json", str(out)])
        doc = read_results(self.label, out)
        self.info = f"{doc.get('device', '?')}, GEMM {doc.get('gemm', '?')}"
        return doc["results"][0]


class Torch:
    """pytorch_step.py under one Python (on the host or in a chroot) at one thread count."""

    def __init__(self, build, threads):
        self.build, self.threads = build, threads
        self.label = f"torch {build.short_version} {threads}t"
        self.info = None

    def measure(self, shape, warmup, steps, tmp):
        doc = self.build.run_step(["--device", "cpu", "--threads", str(self.threads), "--shapes", shape,
                                   "--warmup", str(warmup), "--steps", str(steps)],
                                  self.threads, tmp, self.label)
        if doc.get("threads") != self.threads:
            raise CompareError(f"{self.label} ran with {doc.get('threads')} threads")
        self.info = f"{doc.get('torch', '?')}, {doc.get('threads', '?')} threads"
        return doc["results"][0]


def torch_env(threads, base, coretype=None):
    env = dict(base)
    env.update(OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    return env


# Prints the kernels OpenBLAS picks in that Python's world and what GpuLstm's OpenBlasLibrary would force instead.
CORE_PROBE = r"""
import ctypes
lib = ctypes.CDLL("libopenblas.so.0")
lib.openblas_get_corename.restype = ctypes.c_char_p
core = lib.openblas_get_corename().decode()
flags = set()
for line in open("/proc/cpuinfo"):
    if line.startswith("flags"):
        flags = set(line.split(":", 1)[1].split())
        break
full = {"haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"}
better = ""
if core.lower() not in full and {"avx2", "fma"} <= flags:
    better = "SkylakeX" if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags else "Haswell"
print(core, better)
"""


def pick_coretype(build, mode, probe):
    """OPENBLAS_CORETYPE for a torch build: --torch-coretype keep/NAME, or auto: what GpuLstm forces when
    that OpenBLAS falls back to pre-AVX2 kernels (Debian 12's 0.3.21 on CPUs it does not know)."""
    build.coretype, build.core = None, "?"
    if mode == "keep":
        return
    if mode != "auto":
        build.coretype = mode
        return
    if os.environ.get("OPENBLAS_CORETYPE"):
        return
    try:
        parts = probe().split()
    except CompareError:
        return  # no libopenblas.so.0 there: nothing to force
    build.core = parts[0] if parts else "?"
    build.coretype = parts[1] if len(parts) > 1 else None


class HostTorch:
    def __init__(self, python):
        candidates = [python] if python else ["/usr/bin/python3", shutil.which("python3")]
        for exe in filter(None, candidates):
            try:
                proc = subprocess.run([exe, "-c", "import torch; print(torch.__version__)"],
                                      capture_output=True, text=True)
            except OSError:
                continue
            if proc.returncode == 0:
                self.python, self.version = exe, proc.stdout.strip()
                break
        else:
            raise CompareError(f"no Python that can import torch among {[c for c in candidates if c]} "
                               "(use --python, or --no-host-torch)")
        self.short_version = short(self.version)
        self.where = f"host {self.python}"
        self.coretype, self.core = None, "?"

    def probe_core(self):
        return run("OpenBLAS probe", [self.python, "-c", CORE_PROBE])

    def run_step(self, script_args, threads, tmp, label):
        out = Path(tmp, "torch.json")
        run(label, [self.python, str(TORCH_SCRIPT), "--json", str(out)] + script_args,
            env=torch_env(threads, os.environ, self.coretype))
        return read_results(label, out)


class ChrootTorch:
    """Debian 13's python3-torch inside a chroot; see the module docstring for the mounts and lock."""

    def __init__(self, root, lock_wait):
        self.root = os.path.realpath(root)
        self.lock_wait = lock_wait
        self.coretype, self.core = None, "?"
        if not os.path.isdir(self.root):
            raise CompareError(f"no chroot at {self.root} (run .ci/opencl.sh once, or pass --no-chroot)")
        if os.geteuid() != 0:
            raise CompareError("the chroot's torch needs root (chroot, unshare, mount); pass --no-chroot")
        for tool in ("unshare", "flock", "chroot", "mount"):
            if shutil.which(tool) is None:
                raise CompareError(f"{tool} not found; it is needed for the chroot's torch (or pass --no-chroot)")
        missing = [p for p in ("python3-torch", "libopenblas0-pthread") if not self._installed(p)]
        if missing:
            raise CompareError(f"{self.root} lacks {' '.join(missing)}: install them there (see "
                               "benchmarks/compare.py's docstring) or pass --no-chroot")
        with tempfile.TemporaryDirectory(prefix="gpulstm-compare-") as tmp:
            self.version = self._inside(tmp, ["python3", "-c", "import torch; print(torch.__version__)"],
                                        1, "chroot torch").strip()
        self.short_version = short(self.version)
        self.where = f"chroot {self.root}"

    def probe_core(self):
        with tempfile.TemporaryDirectory(prefix="gpulstm-compare-") as tmp:
            return self._inside(tmp, ["python3", "-c", CORE_PROBE], 1, "OpenBLAS probe")

    def _installed(self, package):
        proc = subprocess.run(["chroot", self.root, "dpkg-query", "-W", "-f=${Status}", package],
                              capture_output=True, text=True)
        return proc.returncode == 0 and proc.stdout.strip() == "install ok installed"

    def _inside(self, tmp, cmd, threads, label):
        """Runs cmd in the chroot with tmp mounted at /mnt; returns its stdout."""
        shutil.copy2(TORCH_SCRIPT, Path(tmp, TORCH_SCRIPT.name))
        r = shlex.quote(self.root)
        env = ["env", "-i", f"PATH={CHROOT_PATH}", "HOME=/root", "LANG=C.UTF-8"]
        env += [f"{k}={v}" for k, v in torch_env(threads, {}, self.coretype).items()]
        inner = (f"mount -t proc proc {r}/proc && mount -t sysfs -o ro,nosuid,nodev,noexec sysfs {r}/sys"
                 f" && mount --bind {shlex.quote(str(tmp))} {r}/mnt"
                 f" && exec chroot {r} {shlex.join(env + cmd)}")
        return run(label, ["flock", "-w", str(self.lock_wait), self.root + ".lock",
                           "unshare", "--mount", "--propagation", "private", "sh", "-c", inner])

    def run_step(self, script_args, threads, tmp, label):
        self._inside(tmp, ["python3", "/mnt/" + TORCH_SCRIPT.name, "--json", "/mnt/torch.json"] + script_args,
                     threads, label)
        return read_results(label, Path(tmp, "torch.json"))


def short(version):
    """'1.13.0a0+git...' -> '1.13', '2.6.0+debian' -> '2.6'."""
    return ".".join(version.split("+")[0].split(".")[:2])


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Interleaved rounds of GpuLstm's and PyTorch's (host torch and a chroot's torch, "
        "each at 2 and 1 threads, OMP_WAIT_POLICY=PASSIVE) LSTM training step; prints per-round "
        "medians with the load average and one final table with GpuLstm / faster-PyTorch ratios.",
        epilog="Run it as /usr/bin/python3 benchmarks/compare.py (root for the chroot's torch).")
    p.add_argument("--shapes", default="small,large,xl",
                   help=f"comma-separated shape keys out of {','.join(SHAPE_KEYS)} (default: %(default)s)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (default 3; --quick: 1)")
    p.add_argument("--warmup", type=int, help="untimed steps per contender and round (default 5; --quick: 1)")
    p.add_argument("--steps", type=int, help="timed steps per contender and round (default 15; --quick: 3)")
    p.add_argument("--quick", action="store_true", help="smoke run: 1 round, 1 warm-up, 3 timed steps")
    p.add_argument("--threads", default="2,1", help="PyTorch thread counts (default: %(default)s)")
    p.add_argument("--gpulstm-cmd", help='GpuLstm benchmark command, run from the repo root, to which '
                   '"--shapes K --warmup N --steps N --json PATH" is appended (default: build once, then '
                   '"dotnet src/GpuLstm.Cli/bin/Release/<tfm>/GpuLstm.Cli.dll bench")')
    p.add_argument("--no-build", action="store_true", help="do not build GpuLstm.Cli first")
    p.add_argument("--python", help="host Python with torch (default: /usr/bin/python3, else python3 on PATH)")
    p.add_argument("--no-host-torch", action="store_true", help="leave out the host's torch")
    p.add_argument("--chroot", default=DEFAULT_CHROOT, help="chroot with python3-torch (default: %(default)s)")
    p.add_argument("--no-chroot", action="store_true", help="leave out the chroot's torch")
    p.add_argument("--torch-coretype", default="auto", metavar="auto|keep|NAME",
                   help="OPENBLAS_CORETYPE for PyTorch: auto (default) forces what GpuLstm forces when that "
                        "OpenBLAS falls back to pre-AVX2 kernels on an unknown CPU; keep: OpenBLAS's own choice")
    p.add_argument("--lock-wait", type=int, default=900,
                   help="seconds to wait for the chroot's lock (default: %(default)s)")
    p.add_argument("--markdown", metavar="PATH", help="append the per-round and final tables to PATH")
    args = p.parse_args(argv)
    args.shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    bad = [s for s in args.shapes if s not in SHAPE_KEYS]
    if bad or not args.shapes:
        p.error(f"--shapes: unknown {bad}; expected some of {','.join(SHAPE_KEYS)}")
    try:
        args.threads = [int(t) for t in args.threads.split(",") if t.strip()]
    except ValueError:
        p.error(f"--threads: expected comma-separated whole numbers, got {args.threads!r}")
    for name, default, quick in (("rounds", 3, 1), ("warmup", 5, 1), ("steps", 15, 3)):
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else default)
    if args.rounds < 1 or args.steps < 1 or args.warmup < 0 or not args.threads or min(args.threads) < 1:
        p.error("--rounds, --steps and --threads must be >= 1, --warmup >= 0")
    return args


def median(values):
    return statistics.median(values) if values else None


def render(args, contenders, rounds, times):
    """Markdown: header, per-round table (with load averages) and the final table."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    torch_labels = [c.label for c in contenders[1:]]
    builds = {}
    for c in contenders[1:]:
        b = c.build
        builds.setdefault(b.version, f"{b.where}; OpenBLAS kernels {b.core}"
                          + (f", OPENBLAS_CORETYPE={b.coretype}" if b.coretype else ""))
    lines = [f"**{now}** — `compare.py --shapes {','.join(args.shapes)} --rounds {args.rounds} "
             f"--warmup {args.warmup} --steps {args.steps}` · GpuLstm: {contenders[0].info} · "
             + " · ".join(f"torch {v} ({w})" for v, w in builds.items())
             + " · PyTorch with OMP_WAIT_POLICY=PASSIVE, OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = threads"
             + f" · {os.cpu_count()} CPUs", "",
             "| round | load avg (1 min, start → end) | shape | " + " | ".join(c.label for c in contenders) + " |",
             "|---:|---|---|" + "---:|" * len(contenders)]
    for r, (before, after) in enumerate(rounds):
        for s in args.shapes:
            lines.append(f"| {r + 1} | {fmt(before, '.2f')} → {fmt(after, '.2f')} | {contenders[0].names.get(s, s)} | "
                         + " | ".join(fmt(times[c.label][s][r], ".2f") for c in contenders) + " |")
    lines += ["", "ms/step, median over rounds of each round's median:", "",
              "| shape | " + " | ".join(c.label for c in contenders)
              + " | faster PyTorch | GpuLstm / faster PyTorch |",
              "|---|" + "---:|" * len(contenders) + "---|---:|"]
    for s in args.shapes:
        med = {c.label: median(times[c.label][s]) for c in contenders}
        name = contenders[0].names.get(s, s)
        best = min(torch_labels, key=lambda k: med[k]) if torch_labels else None
        ratio = med[contenders[0].label] / med[best] if best and med[best] else None
        lines.append(f"| {name} | " + " | ".join(fmt(med[c.label], ".2f") for c in contenders)
                     + f" | {best or 'n/a'} | {fmt(ratio, '.2f')} |")
    return "\n".join(lines) + "\n"


def compare(args):
    gpulstm = GpuLstm(args)
    gpulstm.names = {}
    builds = []
    if not args.no_host_torch:
        builds.append(HostTorch(args.python))
    if not args.no_chroot:
        builds.append(ChrootTorch(args.chroot, args.lock_wait))
    contenders = [gpulstm] + [Torch(b, t) for b in builds for t in args.threads]
    labels = [c.label for c in contenders]
    if len(set(labels)) != len(labels):
        for c in contenders[1:]:  # two builds of the same version: tell them apart by where they run
            c.label += " (chroot)" if isinstance(c.build, ChrootTorch) else " (host)"
    for b in builds:
        pick_coretype(b, args.torch_coretype, b.probe_core)
        print(f"[compare] torch {b.version}: {b.where}; OpenBLAS kernels {b.core}"
              + (f", run with OPENBLAS_CORETYPE={b.coretype}" if b.coretype else ""), file=sys.stderr, flush=True)
    times = {c.label: {s: [] for s in args.shapes} for c in contenders}
    rounds = []
    with tempfile.TemporaryDirectory(prefix="gpulstm-compare-") as tmp:
        for r in range(args.rounds):
            before = load1()
            print(f"round {r + 1}/{args.rounds}  load average {fmt(before, '.2f')}", flush=True)
            for s in args.shapes:
                cells = []
                for c in contenders:
                    res = c.measure(s, args.warmup, args.steps, tmp)
                    if c is gpulstm:
                        gpulstm.names[s] = res["name"]
                    times[c.label][s].append(res["ms_per_step"])
                    cells.append(f"{c.label} {res['ms_per_step']:.2f}")
                print(f"  {gpulstm.names.get(s, s):<20} " + " | ".join(cells) + "  ms/step"
                      + f"  (load {fmt(load1(), '.2f')})", flush=True)
            rounds.append((before, load1()))
    table = render(args, contenders, rounds, times)
    print()
    print(table, end="")
    if args.markdown:
        path = Path(args.markdown)
        with path.open("a", encoding="utf-8") as f:
            f.write(("\n" if path.exists() and path.stat().st_size else "") + table)


def main(argv=None):
    try:
        compare(parse_args(argv))
    except CompareError as e:
        print(f"compare.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
