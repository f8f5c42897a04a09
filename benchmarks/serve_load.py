"""Micro-batching benchmark: the same load against a real `framing serve`, with micro-batching on, then off.

    .venv/bin/python benchmarks/serve_load.py --model models/default --requests 600 --concurrency 32

Starts uvicorn (`python -m framing.cli serve`) on 127.0.0.1 and a free port, runs benchmarks/load.py's load
(32 concurrent clients, one sentence per request by default), stops the server with SIGTERM; then does the same
with --no-batching, where every request is its own model call. The server inherits the environment, so
OMP_NUM_THREADS=1 (one intra-op thread for torch) changes both runs alike. Prints both runs, the mean batch the server formed
(from its /metrics) and the ratio of sentences/s. --min-ratio makes the exit status fail below a ratio.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import load_sentences, make_payloads, run_load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return float("nan")


class Server:
    """A `framing serve` subprocess on a free loopback port; stopped with SIGTERM like a process manager would."""

    def __init__(self, model: Path, extra: list[str], log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_path.open("w")
        cmd = [sys.executable, "-m", "framing.cli", "serve", "--model", str(model), "--host", "127.0.0.1",
               "--port", str(self.port), *extra]
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        env.pop("FRAMING_API_KEY", None)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self, timeout_s: float = 180.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1.0, trust_env=False).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout_s:g} s; see {self.log.name}")

    def metrics(self) -> str:
        return httpx.get(self.url + "/metrics", timeout=5.0, trust_env=False).text

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        finally:
            self.log.close()


def run_case(name: str, args, extra: list[str], payloads: list[dict], log_dir: Path) -> dict:
    server = Server(args.model, extra, log_dir / f"server-{name}.log")
    try:
        server.wait_ready()
        url = server.url + "/v1/classify"
        asyncio.run(run_load(url, payloads, min(args.concurrency * 2, args.requests), args.concurrency, 60))  # warm-up
        before = server.metrics()
        result = asyncio.run(run_load(url, payloads, args.requests, args.concurrency, args.max_seconds))
        after = server.metrics()
    finally:
        code = server.stop()
    calls = metric(after, "framing_batch_sentences_count") - metric(before, "framing_batch_sentences_count")
    sentences = metric(after, "framing_batch_sentences_sum") - metric(before, "framing_batch_sentences_sum")
    summary = result.summary()
    summary.update(name=name, model_calls=int(calls), mean_batch=round(sentences / calls, 2) if calls else 0.0,
                   exit_code=code)
    print(f"\n[{name}] {' '.join(extra) or '(defaults)'}\n{result.render()}\n"
          f"model calls {summary['model_calls']}  mean sentences per call {summary['mean_batch']}  "
          f"server exit code {code}", flush=True)
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    p.add_argument("--requests", type=int, default=600)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--sentences-per-request", type=int, default=1)
    p.add_argument("--max-seconds", type=float, default=180.0, help="cap on each measured run")
    p.add_argument("--max-batch", type=int, default=64)
    p.add_argument("--max-wait-ms", type=float, default=5.0)
    p.add_argument("--backend", choices=["torch", "onnx", "onnx-int8"], default="torch")
    p.add_argument("--min-ratio", type=float, help="exit 1 when batched/unbatched sentences/s is below this")
    args = p.parse_args(argv)
    if not (args.model / "config.json").is_file():
        print(f"error: {args.model}: not a model folder (no config.json)", file=sys.stderr)
        return 2
    payloads = make_payloads(load_sentences(None), args.sentences_per_request, "sentences")
    common = ["--backend", args.backend, "--max-batch", str(args.max_batch), "--max-wait-ms", str(args.max_wait_ms)]
    with tempfile.TemporaryDirectory(prefix="serve-load-") as tmp:
        batched = run_case("micro-batching on", args, common, payloads, Path(tmp))
        single = run_case("micro-batching off", args, [*common, "--no-batching"], payloads, Path(tmp))
    ratio = batched["sentences_per_s"] / single["sentences_per_s"] if single["sentences_per_s"] else float("inf")
    print(f"\nsentences/s: batched {batched['sentences_per_s']:.1f}  unbatched {single['sentences_per_s']:.1f}  "
          f"ratio {ratio:.2f}x  (concurrency {args.concurrency}, {args.sentences_per_request} sentence(s) per request, "
          f"errors {batched['errors']} + {single['errors']})")
    failed = batched["errors"] or single["errors"] or (args.min_ratio is not None and ratio < args.min_ratio)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
