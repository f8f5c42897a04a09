"""Throughput and memory of `framing score` on a generated folder of 2,000 articles.

    .venv/bin/python benchmarks/score_folder.py                       # models/default, 2,000 articles
    .venv/bin/python benchmarks/score_folder.py --model runs/default-v0 --n 500 --keep /tmp/bench-corpus

The articles are rebuilt from the labelled sentences in data/framing/*.jsonl: each takes a run of 8 to 20
consecutive sentences of one source article (seeded, so every run builds the same corpus), grouped into
paragraphs. 80% become .txt files, 10% .html pages with navigation and scripts, 10% records of a few .jsonl
files, spread over nested folders in a temporary directory.

The scorer runs in a child process that reports its own peak RSS (childproc.py says why not wait4's). The child also
samples its RSS after every batch, to show that memory stays flat as the run goes on; CPU time over wall
time above 1 means more than one core was busy. Rates are counted from after model loading to the end
(walking, reading, scoring, and writing the final tables and report).
"""
from __future__ import annotations

import argparse
import html
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from childproc import peak_rss_mib, run_child  # noqa: E402

from common import ROOT as PROJECT_ROOT, default_model  # noqa: E402
SEED = 13


def source_articles() -> list[list[str]]:
    by_article: dict[str, list[str]] = defaultdict(list)
    for path in sorted((PROJECT_ROOT / "data" / "framing").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                by_article[row.get("article") or path.stem].append(row["text"])
    return [by_article[k] for k in sorted(by_article)]


def build_corpus(folder: Path, n: int) -> int:
    """Write `n` articles under `folder`; returns the number of sentences put in."""
    rng = random.Random(SEED)
    sources = source_articles()
    jsonl: dict[int, list[str]] = defaultdict(list)
    total = 0
    for i in range(n):
        sentences = rng.choice(sources)
        length = min(rng.randint(8, 20), len(sentences))
        start = rng.randint(0, len(sentences) - length)
        window = sentences[start:start + length]
        total += length
        headline, body = window[0], window[1:]
        paragraphs, j = [], 0
        while j < len(body):
            k = rng.randint(2, 4)
            paragraphs.append(" ".join(body[j:j + k]))
            j += k
        kind = i % 10
        sub = folder / f"batch{i // 250:02d}" / f"day{i % 7}"
        sub.mkdir(parents=True, exist_ok=True)
        if kind == 8:
            page = ("<!DOCTYPE html><html><head><title>" + html.escape(headline) + " | Wire</title>"
                    "<script>window.analytics = {id: 42};</script></head><body><nav><a href='/'>Home</a> "
                    "<a href='/world'>World</a> <a href='/sport'>Sport</a></nav><article><h1>"
                    + html.escape(headline) + "</h1>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                    + "</article><footer>Copyright Wire. All rights reserved.</footer></body></html>")
            (sub / f"article{i:05d}.html").write_text(page, encoding="utf-8")
        elif kind == 9:
            jsonl[i % 4].append(json.dumps({"title": headline, "text": "\n\n".join([headline, *paragraphs])}))
        else:
            (sub / f"article{i:05d}.txt").write_text("\n\n".join([headline, *paragraphs]) + "\n", encoding="utf-8")
    feeds = folder / "feeds"
    feeds.mkdir(exist_ok=True)
    for key, rows in jsonl.items():
        (feeds / f"feed{key}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return total


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(args: argparse.Namespace) -> None:
    """Run the scorer; print one JSON line with its figures."""
    sys.path.insert(0, str(PROJECT_ROOT))
    import torch

    from framing.scoring import ScoreOptions, score_folder

    samples: list[float] = []
    options = ScoreOptions(root=args.corpus, out=args.out, model=args.model, backend=args.backend,
                           batch_sentences=args.batch_sentences, progress=not args.no_progress)

    summary = score_folder(options, on_batch=lambda number: samples.append(rss_mib()))
    quarter = max(len(samples) // 4, 1)
    print(json.dumps({
        "articles": summary.articles, "sentences": summary.sentences, "errors": summary.errors,
        "seconds": summary.seconds, "articles_per_s": summary.articles_per_s,
        "sentences_per_s": summary.sentences_per_s, "batches": len(samples),
        "rss_mib_after_first_quarter": round(max(samples[:quarter]), 1) if samples else None,
        "rss_mib_last_quarter": round(max(samples[-quarter:]), 1) if samples else None,
        "torch_threads": torch.get_num_threads(), "peak_rss_mib": peak_rss_mib(),
    }))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model folder (default models/default, else runs/default-v0)")
    parser.add_argument("--n", type=int, default=2000, help="articles to generate (default 2000)")
    parser.add_argument("--backend", default="torch", choices=["torch", "onnx", "onnx-int8"])
    parser.add_argument("--batch-sentences", type=int, default=256)
    parser.add_argument("--keep", type=Path, help="build the corpus and output here and keep them")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0

    model = (args.model or default_model()).resolve()
    with tempfile.TemporaryDirectory(prefix="score-bench-") as tmp:
        base = args.keep or Path(tmp)
        corpus, out = base / "corpus", base / "out"
        if out.exists():
            raise SystemExit(f"{out} exists; remove it or pass another --keep (a second run would only resume)")
        started = time.perf_counter()
        put_in = build_corpus(corpus, args.n)
        print(f"corpus: {args.n} articles, {put_in} source sentences, in {time.perf_counter() - started:.1f} s "
              f"under {corpus}")
        cmd = [sys.executable, __file__, "--child", "--corpus", str(corpus), "--out", str(out), "--model", str(model),
               "--backend", args.backend, "--batch-sentences", str(args.batch_sentences)]
        if args.no_progress:
            cmd.append("--no-progress")
        started = time.perf_counter()
        figures, usage = run_child(cmd, "scorer")
        wall = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        print(f"model: {model}  backend: {args.backend}  torch threads: {figures['torch_threads']}  "
              f"cores: {os.cpu_count()}")
        print(f"scored: {figures['articles']} articles, {figures['sentences']} sentences, {figures['errors']} "
              f"skipped, {figures['batches']} batches")
        print(f"time: {figures['seconds']:.1f} s scoring (model loading excluded), {wall:.1f} s process wall")
        print(f"throughput: {figures['articles_per_s']:.1f} articles/s, {figures['sentences_per_s']:.0f} sentences/s")
        print(f"peak RSS: {figures['peak_rss_mib']:.0f} MiB; RSS after the first quarter of batches "
              f"{figures['rss_mib_after_first_quarter']} MiB, in the last quarter "
              f"{figures['rss_mib_last_quarter']} MiB")
        print(f"CPU: {cpu:.1f} s user+sys over {wall:.1f} s wall = {cpu / wall:.2f} cores busy on average")
        if args.keep:
            print(f"kept: {corpus} and {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
