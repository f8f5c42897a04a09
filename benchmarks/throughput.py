"""Sentences per second on the CPU: the naive transformers pipeline against our torch and ONNX paths.

    .venv/bin/python benchmarks/throughput.py                          # models/default (else runs/default-v0)
    .venv/bin/python benchmarks/throughput.py --model runs/default-v0 --n 2000 --paths pipeline-b1,onnx-int8

The same N sentences (data/framing/*.jsonl in file order, cycled when there are fewer) go through each path, in
its own subprocess so that the peak memory (measured by the child itself, see childproc.py) belongs to that path
alone.
The time counted is classification only; loading is reported apart. Every path's labels are compared with the
first path's, so a fast path that computes something else shows up. Exports the ONNX files when missing.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from childproc import peak_rss_mib, run_child  # noqa: E402

from common import ROOT as PROJECT_ROOT, default_model  # noqa: E402
PATHS = {
    "pipeline-b1": "transformers.pipeline, batch_size=1",
    "pipeline-b32": "transformers.pipeline, batch_size=32",
    "torch": "FramingClassifier torch",
    "onnx": "FramingClassifier onnx fp32",
    "onnx-int8": "FramingClassifier onnx int8",
}
WARMUP = 16  # sentences run once before the clock starts: first-call allocation is loading, not throughput


def sentences(n: int) -> list[str]:
    from framing.data import read_examples

    pool = [e.text for path in sorted((PROJECT_ROOT / "data" / "framing").glob("*.jsonl"))
            for e in read_examples(path)]
    return [pool[i % len(pool)] for i in range(n)]


def machine() -> str:
    import onnxruntime
    import torch
    import transformers

    from framing.cores import physical_cores

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown")
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"cpu: {model}; {os.cpu_count()} logical, {physical_cores()} physical usable, {usable} in affinity\n"
            f"python {platform.python_version()}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
            f"onnxruntime {onnxruntime.__version__}, transformers {transformers.__version__}")


# -- child: one path ------------------------------------------------------------------------------------------

def run_path(path: str, model: Path, n: int) -> dict:
    texts = sentences(n)
    started = time.perf_counter()
    if path.startswith("pipeline"):
        from transformers import pipeline

        pipe = pipeline("text-classification", model=str(model), device=-1)
        batch_size = 1 if path == "pipeline-b1" else 32

        def classify(items):
            return [r["label"] for r in pipe(items, batch_size=batch_size, truncation=True)]
    else:
        from framing.predict import FramingClassifier

        clf = FramingClassifier.from_pretrained(model, backend=path, device="cpu")
        if clf.backend.name != path:
            raise SystemExit(f"{path}: fell back to {clf.backend.name}")

        def classify(items):
            return [r.label for r in clf.predict(items)]
    classify(texts[:WARMUP])
    loaded = time.perf_counter()
    labels = classify(texts)
    done = time.perf_counter()
    return {"path": path, "n": len(texts), "seconds": done - loaded, "load_seconds": loaded - started,
            "labels": labels, "peak_rss_mib": peak_rss_mib()}



# -- parent ---------------------------------------------------------------------------------------------------

def spawn(path: str, model: Path, n: int) -> dict:
    """Run one path in a fresh interpreter, which reports its own time and peak memory."""
    cmd = [sys.executable, __file__, "--child", path, "--model", str(model), "--n", str(n)]
    return run_child(cmd, path, cwd=PROJECT_ROOT)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="model folder (default models/default, else runs/default-v0)")
    parser.add_argument("--n", type=int, default=2000, help="sentences per path")
    parser.add_argument("--paths", default=",".join(PATHS), help=f"comma-separated, from {', '.join(PATHS)}")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every path this many times, round robin, and keep each one's fastest run: on a "
                             "shared machine other work then slows all paths alike")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    model = args.model or default_model()
    if args.child:
        print(json.dumps(run_path(args.child, model, args.n)))
        return 0

    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    unknown = [p for p in paths if p not in PATHS]
    if unknown:
        parser.error(f"--paths: unknown {', '.join(unknown)}")
    load_before = os.getloadavg()[0]
    print(machine())
    print(f"model {model}, {args.n} sentences from data/framing/*.jsonl, load time not counted\n")
    if any(p.startswith("onnx") for p in paths):
        from framing.onnx import INT8_FILE, ONNX_FILE, export_onnx

        if not (model / ONNX_FILE).is_file() or not (model / INT8_FILE).is_file():
            export_onnx(model, quantize=True)
    rounds = max(1, args.rounds)
    runs: dict[str, list[dict]] = {path: [] for path in paths}
    for _ in range(rounds):
        for path in paths:
            runs[path].append(spawn(path, model, args.n))
            print(f"  {path}: {args.n / runs[path][-1]['seconds']:.1f} sent/s", file=sys.stderr, flush=True)
    results = {path: {**min(rs, key=lambda r: r["seconds"]), "peak_rss_mib": max(r["peak_rss_mib"] for r in rs)}
               for path, rs in runs.items()}
    first = results[paths[0]]
    print(f"{'path':<38} {'sent/s':>8} {'× first':>8} {'peak RSS':>10} {'load s':>7} {'same label':>10}")
    for path in paths:
        r = results[path]
        rate = r["n"] / r["seconds"]
        same = sum(a == b for a, b in zip(r["labels"], first["labels"])) / r["n"]
        print(f"{PATHS[path]:<38} {rate:>8.1f} {rate / (first['n'] / first['seconds']):>7.2f}x "
              f"{r['peak_rss_mib']:>6.0f} MiB {r['load_seconds']:>7.1f} {100 * same:>9.1f}%")
    print(f"\nload average (1 min) before {load_before:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{rounds} round(s), fastest run of each path kept, peak RSS the largest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
