#!/usr/bin/env python3
"""Time the GEMMs of GpuLstm's large and xl training steps through PyTorch, for comparison with
`dotnet run -c Release --project benchmarks/GpuLstm.Benchmarks -- gemm` (same cases, same layouts).

Each case is C[M, N] = op(A) op(B) + beta C with A stored [K, M] when transposed and B stored [N, K]
when transposed (a .t() view, as GpuLstm passes strides): torch.addmm(C, A, B) for beta 1,
torch.mm(A, B, out=C) for beta 0. Prints GFLOP/s (median of 15 samples of ~5 ms) at each --threads.
Run it as OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/gemm_torch.py (add OPENBLAS_CORETYPE=SkylakeX
where Debian 12's OpenBLAS falls back to its Prescott kernels, see benchmarks/RESULTS.md).
"""

import argparse
import statistics
import time

import torch

SAMPLES = 15


def step_cases(shape, b, t, i, h):
    yield shape, "fwd x*W", t * b, 4 * h, i, False, False, 0.0
    yield shape, "fwd h*U", b, 4 * h, h, False, False, 1.0
    yield shape, "bwd dG*U^T", b, h, 4 * h, False, True, 0.0
    yield shape, "fwd h*U, U stored [4H,H]", b, 4 * h, h, False, True, 1.0
    yield shape, "bwd dG*U^T, U stored [4H,H]", b, h, 4 * h, False, False, 0.0
    yield shape, "bwd x^T*dG", i, 4 * h, t * b, True, False, 0.0


CASES = list(step_cases("small", 32, 10, 50, 128)) + list(step_cases("large", 64, 100, 256, 256)) \
    + list(step_cases("xl", 64, 100, 512, 512))


def gflops(m, n, k, trans_a, trans_b, beta):
    g = torch.Generator().manual_seed(3)
    a = torch.rand(k, m, generator=g).t() if trans_a else torch.rand(m, k, generator=g)
    b = torch.rand(n, k, generator=g).t() if trans_b else torch.rand(k, n, generator=g)
    c = torch.rand(m, n, generator=g)
    call = (lambda: torch.addmm(c, a, b, out=c)) if beta else (lambda: torch.mm(a, b, out=c))
    for _ in range(3):
        call()
    t0 = time.perf_counter()
    call()
    reps = max(1, min(1000, int(0.005 / max(time.perf_counter() - t0, 1e-6))))
    per_call = []
    for _ in range(SAMPLES):
        t0 = time.perf_counter()
        for _ in range(reps):
            call()
        per_call.append((time.perf_counter() - t0) / reps)
    return 2.0 * m * n * k / statistics.median(per_call) / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", default="1,2", help="comma-separated torch thread counts (default %(default)s)")
    p.add_argument("--only", default="", help="cases whose name contains one of these |-separated texts")
    args = p.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    print(f"torch {torch.__version__}, GFLOP/s; " + ", ".join(f"{t}t" for t in threads))
    for shape, role, m, n, k, ta, tb, beta in CASES:
        name = f"{shape} {role} [{m}x{k}]{'^T' if ta else ''}x[{k}x{n}]{'^T' if tb else ''}"
        if args.only and not any(o in name for o in args.only.split("|")):
            continue
        cells = []
        for t in threads:
            torch.set_num_threads(t)
            cells.append(f"{t}t {gflops(m, n, k, ta, tb, beta):6.1f}")
        print(f"  {name:<52} " + "   ".join(cells), flush=True)


if __name__ == "__main__":
    main()
