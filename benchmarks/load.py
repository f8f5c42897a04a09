"""Load test for `framing serve`: N requests at concurrency C over loopback, then latency and throughput.

    .venv/bin/python -m framing.cli serve --model models/default &      # or any running `framing serve`
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8000 --requests 500 --concurrency 32
    .venv/bin/python benchmarks/load.py --mode text --sentences-per-request 8 --requests 200 --concurrency 8

Sends POST /v1/classify bodies. Prints p50/p95/p99 latency, requests/s, sentences/s and the error count (any answer but 200, or no answer).
Sentences come from data/framing/test.jsonl (or --sentences-file, one per line). Only loopback addresses are
accepted, and both the number of requests and the run time are capped: this is a benchmark, not a load generator
for someone else's server. The API key, when the server has one, comes from --api-key or $FRAMING_API_KEY.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS = 20_000
MAX_CONCURRENCY = 256
MAX_SECONDS = 600.0


def require_loopback(url: str) -> None:
    """Raise ValueError unless every address `url`'s host resolves to is a loopback address."""
    host = urlsplit(url).hostname
    if not host:
        raise ValueError(f"--url: no host in {url!r}")
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            addresses = {ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(host, None)}
        except socket.gaierror as exc:
            raise ValueError(f"--url: cannot resolve {host!r}: {exc}") from None
    if not addresses or not all(a.is_loopback for a in addresses):
        raise ValueError(f"--url: {host!r} is not a loopback address; this script only loads a server on this machine")


def load_sentences(path: Path | None) -> list[str]:
    if path is not None:
        sentences = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        rows = (ROOT / "data" / "framing" / "test.jsonl").read_text(encoding="utf-8").splitlines()
        sentences = [json.loads(row)["text"] for row in rows if row.strip()]
    if not sentences:
        raise ValueError(f"{path}: no sentences")
    return sentences


def make_payloads(sentences: list[str], per_request: int, mode: str, count: int = 64) -> list[dict]:
    """`count` distinct request bodies (cycled through), each with `per_request` sentences."""
    if per_request < 1:
        raise ValueError(f"--sentences-per-request: must be at least 1, got {per_request}")
    payloads = []
    for i in range(count):
        chosen = [sentences[(i * per_request + j) % len(sentences)] for j in range(per_request)]
        # text mode: one sentence per line, so the server's segmenter finds (about) the same sentences
        payloads.append({"sentences": chosen} if mode == "sentences" else {"text": "\n".join(chosen)})
    return payloads


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    sentences: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) if self.latencies else float("nan")

    def summary(self) -> dict:
        ok = self.requests - self.errors
        return {"requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 3),
                "p50_ms": round(self.percentile(50) * 1000, 1), "p95_ms": round(self.percentile(95) * 1000, 1),
                "p99_ms": round(self.percentile(99) * 1000, 1),
                "requests_per_s": round(ok / self.seconds, 2) if self.seconds else 0.0,
                "sentences_per_s": round(self.sentences / self.seconds, 2) if self.seconds else 0.0}

    def render(self) -> str:
        s = self.summary()
        lines = [f"requests {s['requests']}  errors {s['errors']}  wall {s['seconds']:.2f} s",
                 f"latency  p50 {s['p50_ms']:.1f} ms  p95 {s['p95_ms']:.1f} ms  p99 {s['p99_ms']:.1f} ms",
                 f"throughput  {s['requests_per_s']:.1f} requests/s  {s['sentences_per_s']:.1f} sentences/s"]
        lines += [f"  error: {e}" for e in self.error_samples]
        return "\n".join(lines)


async def run_load(url: str, payloads: list[dict], requests: int, concurrency: int,
                   max_seconds: float, api_key: str | None = None, timeout_s: float = 60.0) -> LoadResult:
    """POST `requests` classify bodies to `url` from `concurrency` workers; stop early once `max_seconds` have passed.

    Sentences are counted from the answers, so text-mode throughput is what the server actually classified.
    """
    require_loopback(url)
    if not 1 <= requests <= MAX_REQUESTS:
        raise ValueError(f"--requests: must be between 1 and {MAX_REQUESTS}, got {requests}")
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise ValueError(f"--concurrency: must be between 1 and {MAX_CONCURRENCY}, got {concurrency}")
    if not 0 < max_seconds <= MAX_SECONDS:
        raise ValueError(f"--max-seconds: must be in (0, {MAX_SECONDS:g}], got {max_seconds}")
    headers = {"X-API-Key": api_key} if api_key else {}
    result = LoadResult()
    next_index = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal next_index
        while next_index < requests and time.perf_counter() < deadline:
            body = payloads[next_index % len(payloads)]
            next_index += 1
            sent = time.perf_counter()
            n_sentences = 0
            try:
                response = await client.post(url, json=body, headers=headers)
                failure = None if response.status_code == 200 else f"HTTP {response.status_code}: {response.text[:200]}"
                if failure is None:
                    n_sentences = len(response.json()["sentences"])
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                failure = f"{type(exc).__name__}: {exc}"
            result.latencies.append(time.perf_counter() - sent)
            result.requests += 1
            if failure is None:
                result.sentences += n_sentences
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(failure)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # trust_env=False: a proxy from the environment must never see loopback benchmark traffic
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits, trust_env=False) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000", help="server base URL (loopback only)")
    p.add_argument("--requests", type=int, default=500, help=f"total requests (at most {MAX_REQUESTS})")
    p.add_argument("--concurrency", type=int, default=32, help=f"requests in flight (at most {MAX_CONCURRENCY})")
    p.add_argument("--max-seconds", type=float, default=120.0, help=f"stop after this long (at most {MAX_SECONDS:g})")
    p.add_argument("--sentences-per-request", type=int, default=1)
    p.add_argument("--mode", choices=["sentences", "text"], default="sentences",
                   help="send a sentences list, or the sentences joined as an article text")
    p.add_argument("--sentences-file", type=Path, help="one sentence per line (default: data/framing/test.jsonl)")
    p.add_argument("--api-key", default=os.environ.get("FRAMING_API_KEY"))
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = p.parse_args(argv)
    try:
        payloads = make_payloads(load_sentences(args.sentences_file), args.sentences_per_request, args.mode)
        result = asyncio.run(run_load(args.url.rstrip("/") + "/v1/classify", payloads, args.requests, args.concurrency,
                                      args.max_seconds, args.api_key))
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.summary()) if args.json else result.render())
    return 0 if result.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
