"""Local scoring against Ray scoring (1 and 2 workers) on a folder of real articles; a projection to 1,000,000.

    .venv/bin/python benchmarks/ray_scale.py --model models/fast --backend onnx-int8          # 2,000 articles
    .venv/bin/python benchmarks/ray_scale.py --n 500 --keep /tmp/ray-corpus

The folder holds the first N articles of ../shared/real-news/articles.jsonl, one .txt file each (headline, blank
line, body). Each case runs `framing score` as its own process, once on the whole folder and once on a folder of
one article: the one-article run is the fixed cost (start-up: interpreter, Ray, actors, model loading), and the
difference between the two runs gives the marginal rate. While a case runs, /proc is sampled every 0.2 s for the
resident memory of the driver (the `framing score` process), of each Ray worker process (`ray::...`) and of
Ray's own services (raylet, GCS, dashboard).

On a machine with 2 cores, 2 Ray workers compete with each other and with the driver: this measures Ray's
overhead, not scaling. The projection to 1,000,000 articles on N nodes uses the measured per-core marginal rate.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT

SOURCE = ROOT.parent / "shared" / "real-news" / "articles.jsonl"
FRAMING = ROOT / ".venv" / "bin" / "framing"
RAY_SERVICES = ("raylet", "gcs_server", "dashboard", "log_monitor", "monitor.py", "runtime_env", "ray_client")


def build_folder(target: Path, n: int) -> int:
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    with SOURCE.open(encoding="utf-8") as f:
        for line in f:
            if written >= n:
                break
            article = json.loads(line)
            title, body = (article.get("title") or "").strip(), article["text"].strip()
            (target / f"{written:05d}.txt").write_text(f"{title}\n\n{body}\n" if title else body + "\n", encoding="utf-8")
            written += 1
    return written


def _rss_mib(pid: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class MemorySampler(threading.Thread):
    """Peak RSS of the driver, the largest Ray worker, all Ray workers together and Ray's services."""

    def __init__(self, driver_pid: int):
        super().__init__(daemon=True)
        self.driver = str(driver_pid)
        self.peaks = {"driver_mib": 0.0, "worker_max_mib": 0.0, "workers_total_mib": 0.0, "ray_services_mib": 0.0}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            workers, services = [], 0.0
            for pid in filter(str.isdigit, os.listdir("/proc")):
                if pid == self.driver:
                    self.peaks["driver_mib"] = max(self.peaks["driver_mib"], _rss_mib(pid))
                    continue
                cmd = _cmdline(pid)
                if cmd.startswith("ray::"):
                    workers.append(_rss_mib(pid))
                elif "ray" in cmd and any(s in cmd for s in RAY_SERVICES):
                    services += _rss_mib(pid)
            self.peaks["worker_max_mib"] = max(self.peaks["worker_max_mib"], max(workers, default=0.0))
            self.peaks["workers_total_mib"] = max(self.peaks["workers_total_mib"], sum(workers))
            self.peaks["ray_services_mib"] = max(self.peaks["ray_services_mib"], services)
            time.sleep(0.2)


def run_case(folder: Path, out: Path, args, engine_args: list[str]) -> dict:
    cmd = [str(FRAMING), "score", str(folder), "--out", str(out), "--model", str(args.model), "--backend",
           args.backend, *engine_args]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    sampler = MemorySampler(proc.pid)
    sampler.start()
    output = proc.communicate()[0]
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exited {proc.returncode}\n{output}")
    articles = sum(1 for _ in _article_rows(out))
    sentences = sum(r["sentences"] for r in _article_rows(out))
    return {"seconds": round(seconds, 2), "articles": articles, "sentences": sentences,
            **{k: round(v) for k, v in sampler.peaks.items()}}


def _article_rows(out: Path):
    if (out / "articles.jsonl").is_file():
        with open(out / "articles.jsonl", encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)
        return
    import pyarrow.dataset as pads

    yield from pads.dataset(out / "articles").to_table(columns=["sentences"]).to_pylist()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "fast")
    parser.add_argument("--backend", default="onnx-int8")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="build the folder here (and keep it) instead of a temporary one")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    cases = {"local": ["--engine", "local"],
             "ray, 1 worker": ["--engine", "ray", "--workers", "1", "--cpus-per-worker", str(cores)],
             "ray, 2 workers": ["--engine", "ray", "--workers", "2", "--cpus-per-worker", str(max(1, cores // 2))]}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = args.keep or tmp / "corpus"
        n = build_folder(folder, args.n)
        one = tmp / "one"
        build_folder(one, 1)
        results = {}
        for name, engine_args in cases.items():
            small = run_case(one, tmp / f"out-one-{len(results)}", args, engine_args)
            full = run_case(folder, tmp / f"out-{len(results)}", args, engine_args)
            marginal = full["seconds"] - small["seconds"]
            results[name] = {**full, "startup_seconds": small["seconds"],
                             "articles_per_s": round(full["articles"] / full["seconds"], 2),
                             "sentences_per_s": round(full["sentences"] / full["seconds"], 1),
                             "marginal_sentences_per_s": round((full["sentences"] - small["sentences"]) / marginal, 1),
                             "marginal_articles_per_s": round((full["articles"] - small["articles"]) / marginal, 2)}
            print(f"{name}: {json.dumps(results[name])}", file=sys.stderr, flush=True)
    report(results, n, cores, args)
    if args.json:
        args.json.write_text(json.dumps({"articles": n, "cores": cores, "model": str(args.model),
                                         "backend": args.backend, "results": results}, indent=2) + "\n")
    return 0


def report(results: dict, n: int, cores: int, args) -> None:
    print(f"\n{n} articles, {cores} cores, {args.model.name} ({args.backend})\n")
    print("| engine | wall s | start-up s | articles/s | sentences/s | marginal sentences/s | driver MiB | "
          "largest worker MiB | workers total MiB | Ray services MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['seconds']} | {r['startup_seconds']} | {r['articles_per_s']} | {r['sentences_per_s']} | "
              f"{r['marginal_sentences_per_s']} | {r['driver_mib']} | {r['worker_max_mib']} | "
              f"{r['workers_total_mib']} | {r['ray_services_mib']} |")
    best = max(r["marginal_articles_per_s"] for r in results.values())
    per_core = best / cores
    print(f"\nper-core marginal rate: {per_core:.2f} articles/s. 1,000,000 articles:")
    for nodes, node_cores in ((1, cores), (10, 16), (50, 16)):
        rate = per_core * nodes * node_cores
        print(f"- {nodes} node(s) x {node_cores} cores: {1_000_000 / rate / 3600:.1f} h at {rate:.0f} articles/s")


if __name__ == "__main__":
    sys.exit(main())
