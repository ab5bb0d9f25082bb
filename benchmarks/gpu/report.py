#!/usr/bin/env python3
"""Writes $OUT/gpu-results.md and $OUT/gpu-results.json from what benchmarks/gpu/run.sh collected.

run.sh calls it after every phase, so a run that is killed midway still leaves a report of the
phases that finished. Standard library only (the GPU machine's python and the CPU machine's both do).

Inputs in --work: info.env (KEY=value lines), phases.tsv (name, exit status, seconds),
preflight.json and gpulstm.json (gpulstm bench --json), torch-tf32-on.json / torch-tf32-off.json
(GPU mode) or torch-cpu.json (self-test), all optional; --out/tests.xml (xunit v2 XML).
"""

import argparse
import datetime
import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SHAPE_KEYS = {  # bench key -> result name, as in BenchShape.cs and pytorch_step.py
    "small": "B32_T10_I50_H128",
    "large": "B64_T100_I256_H256",
    "xl": "B64_T100_I512_H512",
    "b8": "B8_T100_I512_H512",
}


def read_json(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_info(path):
    info = {}
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                info[k] = v
    except OSError:
        pass
    return info


def read_phases(path):
    phases = []
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                rc = parts[1]
                phases.append({"phase": parts[0], "exit": int(rc) if rc.lstrip("-").isdigit() else rc,
                               "seconds": int(parts[2]) if parts[2].isdigit() else parts[2],
                               "timed_out": rc in ("124", "137")})
    except OSError:
        pass
    return phases


def read_tests(path):
    """Summary of an xunit v2 XML file, or None."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    totals = {"total": 0, "passed": 0, "failed": 0, "skipped": 0, "errors": 0, "time_s": 0.0}
    failures, skips = [], []
    for asm in root.iter("assembly"):
        for k in ("total", "passed", "failed", "skipped", "errors"):
            totals[k] += int(asm.get(k, 0) or 0)
        totals["time_s"] += float(asm.get("time", 0) or 0)
        for test in asm.iter("test"):
            if test.get("result") == "Fail":
                msg = test.findtext("failure/message") or ""
                failures.append({"name": test.get("name"), "message": msg.strip()[:500]})
            elif test.get("result") == "Skip":
                skips.append({"name": test.get("name"), "reason": (test.findtext("reason") or "").strip()[:200]})
    totals["failures"] = failures
    totals["skips"] = skips
    return totals


def by_name(doc):
    return {r["name"]: r for r in (doc or {}).get("results", [])}


def fmt(v, spec=".2f"):
    return "n/a" if v is None else format(v, spec)


def ratio(a, b):
    return a / b if a is not None and b else None


def build(work, out, mode):
    info = read_info(work / "info.env")
    phases = read_phases(work / "phases.tsv")
    tests = read_tests(out / "tests.xml")
    gl = read_json(work / "gpulstm.json")
    pre = read_json(work / "preflight.json")
    if mode == "gpu":
        refs = {"tf32_on": read_json(work / "torch-tf32-on.json"),
                "tf32_off": read_json(work / "torch-tf32-off.json")}
    else:
        refs = {"cpu": read_json(work / "torch-cpu.json")}
    shapes = [s for s in info.get("SHAPES", ",".join(SHAPE_KEYS)).split(",") if s]
    names = [SHAPE_KEYS.get(s, s) for s in shapes]
    g = by_name(gl)
    r = {k: by_name(v) for k, v in refs.items()}

    rows = []
    for name in names:
        row = {"shape": name}
        gr = g.get(name)
        row["gpulstm_ms"] = gr["ms_per_step"] if gr else None
        row["gpulstm_ms_mean"] = gr.get("ms_mean") if gr else None
        row["launches_per_step"] = gr.get("launches_per_step") if gr else None
        row["memory_high_water_mb"] = gr.get("memory_high_water_mb") if gr else None
        for k, rr in r.items():
            t = rr.get(name)
            row[f"torch_{k}_ms"] = t["ms_per_step"] if t else None
            row[f"ratio_{k}"] = ratio(row["gpulstm_ms"], row[f"torch_{k}_ms"])
        rows.append(row)

    # verdict: every phase exited 0, tests ran and none failed, every shape has a GpuLstm figure and a reference
    problems, notes = [], []
    skipped_refs = set()
    for p in phases:
        if p["exit"] == "skipped" and mode == "self-test" and p["phase"] == "pytorch-cpu":
            skipped_refs.add("cpu")
            notes.append("PyTorch reference skipped: no python3 with torch on this machine "
                         "(apt-get install python3-torch adds it)")
        elif p["exit"] != 0:
            problems.append(f"phase {p['phase']} " + ("timed out" if p["timed_out"] else f"exited {p['exit']}"))
    if tests is None:
        problems.append("no test results")
    else:
        if tests["total"] == 0:
            problems.append("no test ran")
        if tests["failed"] or tests["errors"]:
            problems.append(f"{tests['failed']} test(s) failed, {tests['errors']} error(s)")
        if tests["total"] and tests["skipped"] == tests["total"]:
            problems.append("every test was skipped (device absent for the fixtures?)")
    missing = [row["shape"] for row in rows if row["gpulstm_ms"] is None]
    if missing:
        problems.append("no GpuLstm result for " + ", ".join(missing))
    for k in refs:
        missing = [row["shape"] for row in rows if row[f"torch_{k}_ms"] is None]
        if missing and k not in skipped_refs:
            problems.append(f"no PyTorch ({k}) result for " + ", ".join(missing))
    expected = {"gpu": ["preflight", "tests", "bench", "pytorch-tf32-on", "pytorch-tf32-off"],
                "self-test": ["preflight", "tests", "bench", "pytorch-cpu"]}[mode]
    done = {p["phase"] for p in phases}
    pending = [p for p in expected if p not in done]
    if pending:
        problems.append("not run (yet): " + ", ".join(pending))
    verdict = "PASS" if not problems else "FAIL"

    doc = {
        "kit": "GpuLstm benchmarks/gpu/run.sh",
        "mode": mode,
        "written_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verdict": verdict,
        "problems": problems,
        "notes": notes,
        "info": info,
        "phases": phases,
        "tests": tests,
        "table": rows,
        "gpulstm": gl,
        "preflight": pre,
        "pytorch": refs,
    }
    return doc


def render(doc):
    info, mode, rows = doc["info"], doc["mode"], doc["table"]
    gl = doc["gpulstm"] or doc["preflight"] or {}
    device = gl.get("device") or info.get("GPULSTM_DEVICE_NAME") or "?"
    title_dev = info.get("GPU_NAME") or device
    lines = [f"# GpuLstm GPU check: {title_dev}" + (" (SELF-TEST on the CPU, not a GPU result)" if mode != "gpu" else ""), ""]
    lines.append(f"Verdict: {doc['verdict']}" + (" — " + "; ".join(doc["problems"]) if doc["problems"] else ""))
    for n in doc.get("notes", []):
        lines.append(f"Note: {n}")
    lines.append("")
    lines.append(f"- date (UTC): {info.get('DATE_UTC', '?')}; host {info.get('HOST', '?')}, {info.get('CORES', '?')} cores")
    tf32 = "" if "tf32" not in gl else (", TF32 on" if gl["tf32"] else ", TF32 off (exact FP32)")
    lines.append(f"- GpuLstm: {device}, GEMM {gl.get('gemm') or info.get('GPULSTM_GEMM_ENGINE', '?')}{tf32}; "
                 f"bundle rev {info.get('BUNDLE_GIT_REV', '?')}; runtime {info.get('DOTNET_RUNTIME', '?')}")
    if mode == "gpu":
        lines.append(f"- driver {info.get('DRIVER_VERSION') or 'unknown'}, CUDA (driver) {info.get('CUDA_DRIVER_VERSION') or 'unknown'}; "
                     f"libcuda {info.get('LIBCUDA', '?')}; cuBLAS (kit's search) {info.get('CUBLAS_FOUND_BY_KIT', '?')}")
        lines.append(f"- GpuLstm's own library resolution: {info.get('OWN_LIBRARY_RESOLUTION', 'not tried')}")
    ref_doc = next((v for v in doc["pytorch"].values() if v), None) or {}
    cudnn = f", cuDNN {ref_doc.get('cudnn')}" if ref_doc.get("cudnn") else ""
    lines.append(f"- PyTorch {info.get('TORCH_VERSION') or ref_doc.get('torch') or 'n/a'} "
                 f"(CUDA {info.get('TORCH_CUDA') if info.get('TORCH_CUDA') not in (None, '', 'None') else 'n/a'}{cudnn}) via {info.get('TORCH_PYTHON', '?')}")
    lines.append(f"- steps: gpulstm bench --steps {info.get('GPULSTM_STEPS', '?')} --warmup {info.get('GPULSTM_WARMUP', '?')}; "
                 f"pytorch_step.py --steps {info.get('TORCH_STEPS', '?')} --warmup {info.get('TORCH_WARMUP', '?')}; "
                 "ms/step are medians of one training step (LSTM -> Dense(1) -> BCE -> Adam, loss read once)")
    lines.append("")
    if mode == "gpu":
        lines += ["| shape | GpuLstm ms/step | cuDNN ms TF32 on | cuDNN ms TF32 off | GpuLstm/cuDNN (TF32 off) "
                  "| GpuLstm/cuDNN (TF32 on) | launches/step |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            lines.append(f"| {r['shape']} | {fmt(r['gpulstm_ms'], '.3f')} | {fmt(r['torch_tf32_on_ms'], '.3f')} "
                         f"| {fmt(r['torch_tf32_off_ms'], '.3f')} | {fmt(r['ratio_tf32_off'])} | {fmt(r['ratio_tf32_on'])} "
                         f"| {fmt(r['launches_per_step'], 'g')} |")
    else:
        lines += ["| shape | GpuLstm ms/step | cuDNN ms TF32 on | cuDNN ms TF32 off | GpuLstm/cuDNN (TF32 off) "
                  "| GpuLstm/cuDNN (TF32 on) | launches/step | PyTorch CPU ms | GpuLstm/PyTorch CPU |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            lines.append(f"| {r['shape']} | {fmt(r['gpulstm_ms'], '.3f')} | n/a | n/a | n/a | n/a "
                         f"| {fmt(r['launches_per_step'], 'g')} | {fmt(r['torch_cpu_ms'], '.3f')} | {fmt(r['ratio_cpu'])} |")
    lines.append("")
    lines.append("Ratios below 1 mean GpuLstm is faster.")
    lines.append("")
    t = doc["tests"]
    sel = info.get("TEST_SELECTION", "?")
    if t is None:
        lines.append(f"Tests ({sel}): no results")
    else:
        lines.append(f"Tests ({sel}): Total: {t['total']}, Passed: {t['passed']}, Failed: {t['failed']}, "
                     f"Skipped: {t['skipped']}, Errors: {t['errors']}, Time: {t['time_s']:.1f}s")
        for f in t["failures"][:20]:
            lines.append(f"- FAILED {f['name']}: {f['message'].splitlines()[0] if f['message'] else ''}")
        if t["skips"]:
            lines.append(f"- skipped, first reason: {t['skips'][0]['reason']}")
    lines.append("")
    lines.append("| phase | exit | seconds |")
    lines.append("|---|---:|---:|")
    for p in doc["phases"]:
        lines.append(f"| {p['phase']} | {p['exit']}{' (timed out)' if p['timed_out'] else ''} | {p['seconds']} |")
    return "\n".join(lines) + "\n"


def write_atomic(path, text):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", required=True, type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--mode", choices=["gpu", "self-test"], required=True)
    args = p.parse_args(argv)
    doc = build(args.work, args.out, args.mode)
    write_atomic(args.out / "gpu-results.json", json.dumps(doc, indent=2) + "\n")
    write_atomic(args.out / "gpu-results.md", render(doc))
    print(doc["verdict"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
