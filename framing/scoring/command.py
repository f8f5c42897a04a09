"""`framing score`: the command-line face of framing.scoring.runner."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..predict import BACKENDS


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "score", help="score every article in a folder into sentences/articles tables and report.html",
        description="Score .txt, .md, .html/.htm, .json and .jsonl files under DIR (recursively). Interrupt it at "
                    "any time and run the same command again to continue; unchanged files are not scored twice.")
    p.add_argument("dir", type=Path, help="folder of articles")
    p.add_argument("--model", type=Path, help="model folder (default $FRAMING_MODEL, else models/default)")
    p.add_argument("--out", type=Path, required=True, help="output folder (also holds the resumable state)")
    p.add_argument("--glob", help="only files matching this pattern ('**' spans folders; without '/' it matches "
                                  "the file name at any depth), e.g. '*.jsonl' or 'news/2024/**/*.html'")
    p.add_argument("--text-field", default="text", help="field holding the text in .json/.jsonl records "
                                                         "(default: text)")
    p.add_argument("--max-bytes", type=int, default=10_000_000,
                   help="skip a file larger than this, or for .jsonl a line (default 10000000)")
    p.add_argument("--min-confidence", type=float, default=0.0,
                   help="label sentences whose top probability is lower 'uncertain' (default 0: never)")
    p.add_argument("--shard", help="I/N: score only the files whose path hashes to shard I of N (I from 0)")
    p.add_argument("--summary-only", action="store_true", help="write no per-sentence table")
    p.add_argument("--backend", default="torch", choices=BACKENDS)
    p.add_argument("--format", dest="formats", action="append", choices=["csv", "parquet"], default=[],
                   help="also write the tables as CSV or Parquet (repeat for both)")
    p.add_argument("--batch-sentences", type=int, default=256,
                   help="sentences gathered across articles and files before the model runs (default 256)")
    p.add_argument("--batch-size", type=int, default=32, help="sentences per forward pass (default 32)")
    p.add_argument("--report-limit", type=int, default=10_000,
                   help="articles given a page of their own in the report; every article is in its lists "
                        "(default 10000)")
    p.add_argument("--stance", nargs="?", const="", type=str, metavar="MODEL",
                   help="also score the stance of each sentence toward every actor it names, with this stance model "
                        "(default: models/stance); adds actor tables and a who-accuses-whom view to the report")
    p.add_argument("--actors", type=Path, help="actors YAML for --stance (default: the shipped list; "
                                               "docs/stance.md)")
    p.add_argument("--group-by", choices=["outlet", "date", "folder"],
                   help="group articles by their outlet or date field (JSON/JSONL/front matter/HTML metadata) or "
                        "their folder: groups.csv and a side-by-side view in the report; date gives framing over time")
    ray = p.add_argument_group("Ray (framing[ray]; docs/scoring.md#ray)")
    ray.add_argument("--engine", choices=["local", "ray"], default="local",
                     help="local: this process, resumable (default); ray: an actor pool on a Ray cluster or a local "
                          "Ray, writing partitioned Parquet")
    ray.add_argument("--address", help="Ray cluster: auto, or ray://HOST:PORT (default $RAY_ADDRESS, else a local Ray)")
    ray.add_argument("--workers", type=int, default=1, help="classifier actors (default 1)")
    ray.add_argument("--files-per-batch", type=int, default=16,
                     help="files per actor call, the unit of retry (default 16)")
    ray.add_argument("--cpus-per-worker", type=float, default=1.0, help="CPUs each actor asks for (default 1)")
    p.set_defaults(func=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    from tqdm.contrib.logging import logging_redirect_tqdm

    from ..predict import default_model_path
    from .discovery import Shard
    from .runner import ScoreOptions, score_folder

    options = ScoreOptions(
        root=args.dir, out=args.out, model=args.model or default_model_path(), glob=args.glob,
        text_field=args.text_field, max_bytes=args.max_bytes, min_confidence=args.min_confidence,
        shard=Shard.parse(args.shard) if args.shard else None, summary_only=args.summary_only,
        backend=args.backend, formats=tuple(dict.fromkeys(args.formats)), batch_sentences=args.batch_sentences,
        model_batch_size=args.batch_size, report_limit=args.report_limit, stance=_stance_model(args),
        actors=args.actors, group_by=args.group_by)
    with logging_redirect_tqdm():
        if args.engine == "ray":
            s = _score_with_ray(args, options)
        else:
            s = score_folder(options)
    skipped = f", {s.unchanged_files} unchanged" if s.unchanged_files else ""
    resumed = f", {s.resumed_files} resumed" if s.resumed_files else ""
    print(f"{s.files} files ({s.scored_files} read{skipped}{resumed}): {s.articles} articles, "
          f"{s.sentences} sentences, {s.errors} skipped")
    if s.error_reasons:
        print("skipped: " + ", ".join(f"{reason} {n}" for reason, n in sorted(s.error_reasons.items())))
    if s.new_sentences:
        print(f"this run: {s.new_articles} articles, {s.new_sentences} sentences in {s.seconds:.1f} s "
              f"({s.articles_per_s:.1f} articles/s, {s.sentences_per_s:.0f} sentences/s)")
    if s.actors is not None:
        print(_stance_line(s.actors))
        if args.actors is not None and s.never_mentioned:
            print(f"never mentioned ({len(s.never_mentioned)} of the list): {', '.join(s.never_mentioned[:20])}"
                  + (" ..." if len(s.never_mentioned) > 20 else ""))
    print(f"out: {', '.join(str(p) + ('/' if p.is_dir() else '') for p in s.outputs)}")
    if not s.files:
        print(f"no files to score under {args.dir}" + (f" matching {args.glob!r}" if args.glob else ""))
        return 1
    return 0


def _stance_line(actors: dict[str, dict[str, int]]) -> str:
    """Mentions by stance, and the actors most often targeted negatively and positively."""
    by_stance = {k: sum(c.get(k, 0) for c in actors.values()) for k in ("negative", "neutral", "positive")}
    counts = ", ".join(f"{n} {k}" for k, n in by_stance.items())

    def top(stance: str) -> str:
        ranked = sorted(((c.get(stance, 0), a) for a, c in actors.items() if c.get(stance)), key=lambda x: (-x[0], x[1]))
        return ", ".join(f"{a} {n}" for n, a in ranked[:5]) or "none"

    return (f"stance: {sum(by_stance.values())} mentions of {len(actors)} actors ({counts}); "
            f"most often negative: {top('negative')}; most often positive: {top('positive')}")


def _stance_model(args: argparse.Namespace) -> Path | None:
    """--stance MODEL, or --stance alone for the default stance model; None without the flag."""
    from ..paths import stance_flag_path

    return stance_flag_path(args.stance, args.actors, args.model)


def _score_with_ray(args: argparse.Namespace, options):
    try:
        import ray.data  # noqa: F401  (the optional dependency)

        from .ray_engine import RayOptions, score_with_ray
    except ImportError as exc:
        raise ValueError(f"--engine ray needs Ray Data: pip install 'framing[ray]' ({exc})") from None
    if options.formats:
        raise ValueError("--format: the ray engine writes Parquet parts (sentences/, articles/) already")
    return score_with_ray(options, RayOptions(address=args.address, workers=args.workers,
                                              files_per_batch=args.files_per_batch,
                                              cpus_per_worker=args.cpus_per_worker))
