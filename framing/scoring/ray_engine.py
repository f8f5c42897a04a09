"""`framing score --engine ray`: the same scoring on a Ray cluster, or a local Ray, with Ray Data.

The driver walks the input (file paths only, never their text) into a Ray dataset of files. A pool of actors
(`ScoreFiles`), each holding one `FramingClassifier`, takes batches of files: it reads and segments them with the
local engine's rules, scores their sentences, and writes the batch's rows as part files named after the batch's
first file position (`sentences/part-000000042.parquet`, `articles/...`, `errors/...jsonl`). Each part is written
under a temporary name and renamed, so a worker killed mid-batch leaves no partial part, and the retried batch
(Ray Data restarts the actor and retries its task) writes the same names again: every sentence is in the output
exactly once. The driver only collects counts, then writes errors.jsonl and report.html from the parts.

On a cluster, the input and `--out` must be paths every node sees (a shared file system or mounted bucket).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ..actors import load_actors
from ..fingerprint import model_fingerprint
from ..segment import segment
from .aggregate import ArticleSummary, CorpusTotals, sentence_record
from .discovery import Entry, walk
from .reading import Problem, SourceFile
from .report import write_report
from .groups import group_of
from .runner import ScoreOptions, ScoreSummary, load_stance, score_spans
from .stance_tables import write_actor_tables
from .tables import _schema, flatten, read_jsonl, unflatten

log = logging.getLogger(__name__)

PARTS = ("sentences", "articles", "errors")
FAIL_ONCE_ENV = "FRAMING_RAY_FAIL_ONCE"  # tests: a marker file; the first worker to remove it dies mid-batch


@dataclass
class RayOptions:
    address: str | None = None      # None: $RAY_ADDRESS, else a local Ray; "auto"; "ray://HOST:PORT"
    workers: int = 1                # classifier actors
    files_per_batch: int = 16       # files per actor call: the unit of retry and of the part files
    cpus_per_worker: float = 1.0
    local_cpus: int | None = None   # a local Ray's CPUs (default: all)

    def __post_init__(self):
        if self.workers < 1 or self.files_per_batch < 1 or self.cpus_per_worker <= 0:
            raise ValueError("--workers and --batch-size must be at least 1, cpus per worker above 0")


class ScoreFiles:
    """A Ray Data actor: one classifier, and a batch of files in, part files and counts out."""

    def __init__(self, options: ScoreOptions, threads: int):
        import torch

        from ..predict import FramingClassifier

        os.environ["FRAMING_THREADS"] = str(threads)  # the ONNX backends size their thread pool by it
        torch.set_num_threads(threads)
        self.options = options
        self.clf = FramingClassifier.from_pretrained(options.model, backend=options.backend,
                                                     batch_size=options.model_batch_size)
        self.labels = self.clf.labels
        self.stance = load_stance(options)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        first = int(batch["position"][0])
        scorable, errors = [], []
        for rel, path, reason, message in zip(batch["rel"], batch["path"], batch["reason"], batch["message"]):
            entry = Entry(str(rel), Path(str(path)), (str(reason), str(message)) if reason else None)
            scorable_file, errors_file = read_file(entry, self.options)
            scorable += scorable_file
            errors += errors_file
        sentences, articles = self._score(scorable)
        out = self.options.out
        _write_parquet(out / "sentences" / f"part-{first:09d}.parquet", sentences, "sentences", self.labels)
        _fail_once()
        _write_parquet(out / "articles" / f"part-{first:09d}.parquet", articles, "articles", self.labels)
        _write_jsonl(out / "errors" / f"part-{first:09d}.jsonl", errors)
        return {"first": np.array([first]), "files": np.array([len(batch["rel"])]),
                "articles": np.array([len(articles)]), "sentences": np.array([len(sentences)]),
                "errors": np.array([len(errors)])}

    def _score(self, scorable: list) -> tuple[list[dict], list[dict]]:
        probs, targets = score_spans(self.clf, self.stance, [span for _, spans in scorable for span in spans])
        sentences, articles, row = [], [], 0
        for article, spans in scorable:
            summary = ArticleSummary(article, self.labels, group_of(article, self.options.group_by),
                                     self.stance is not None)
            for index, span in enumerate(spans):
                record = sentence_record(article.id, index, span, probs[row], self.labels, self.options.min_confidence,
                                         targets[row] if targets is not None else None)
                row += 1
                summary.add(record)
                if not self.options.summary_only:
                    sentences.append(record)
            articles.append(summary.to_dict())
        return sentences, articles


def read_file(entry: Entry, options: ScoreOptions) -> tuple[list, list[dict]]:
    """A file's (article, spans) pairs and its problems as error rows, by the local engine's rules."""
    scorable, errors = [], []
    try:
        for record in SourceFile(entry, options.max_bytes, options.text_field).records():
            if isinstance(record, Problem):
                errors.append(record.to_dict())
                continue
            spans = segment(record.text)
            if spans:
                scorable.append((record, spans))
            else:
                errors.append(Problem(record.file, "no_text", "no sentences found", line=record.line,
                                      item=record.item).to_dict())
    except Exception as exc:  # one odd file must not end the run (as in the local engine)
        errors.append(Problem(entry.rel, "read_failed", f"could not read: {type(exc).__name__}: {exc}").to_dict())
    for row in errors:
        log.warning("%s", row["message"])
    return scorable, errors


def _fail_once() -> None:
    marker = os.environ.get(FAIL_ONCE_ENV)
    if marker:
        try:
            os.unlink(marker)
        except FileNotFoundError:
            return
        os._exit(1)  # a worker dying mid-batch: its sentences part is written, its articles part is not


def _atomic(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _write_parquet(target: Path, rows: list[dict], stream: str, labels: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = _atomic(target)
    pq.write_table(pa.Table.from_pylist([flatten(stream, r) for r in rows], schema=_schema(stream, labels)), tmp)
    os.replace(tmp, target)


def _write_jsonl(target: Path, rows: list[dict]) -> None:
    tmp = _atomic(target)
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    os.replace(tmp, target)


class ParquetRows:
    """The run's rows for the report and the totals, streamed from the part files in file order."""

    def __init__(self, out: Path, labels: list[str]):
        self.out = out
        self.labels = labels

    def _parquet(self, stream: str) -> Iterator[dict]:
        import pyarrow.parquet as pq

        for part in sorted((self.out / stream).glob("part-*.parquet")):
            for batch in pq.ParquetFile(part).iter_batches(batch_size=4096):
                for row in batch.to_pylist():
                    yield unflatten(stream, row, self.labels)

    def articles(self) -> Iterator[dict]:
        return self._parquet("articles")

    def sentences(self) -> Iterator[dict]:
        return self._parquet("sentences")

    def errors(self) -> Iterator[dict]:
        return read_jsonl(self.out / "errors.jsonl")


def _walk_items(options: ScoreOptions) -> list[dict]:
    items = []
    for position, entry in enumerate(walk(options.root, options.glob, options.shard, exclude=(options.out,))):
        reason, message = entry.error or ("", "")
        items.append({"position": position, "rel": entry.rel, "path": str(entry.path), "reason": reason,
                      "message": message})
    return items


def _init_ray(ray_options: RayOptions) -> None:
    import ray

    if ray.is_initialized():
        return
    address = ray_options.address or os.environ.get("RAY_ADDRESS")
    kwargs = {"num_cpus": ray_options.local_cpus} if not address and ray_options.local_cpus else {}
    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, **kwargs)


def score_with_ray(options: ScoreOptions, ray_options: RayOptions) -> ScoreSummary:
    """Score every article under `options.root` into partitioned Parquet in `options.out`, on Ray."""
    import ray.data
    from tqdm import tqdm

    if not options.root.is_dir():
        raise FileNotFoundError(f"{options.root}: not a folder")
    started = time.perf_counter()
    _init_ray(ray_options)
    options.out.mkdir(parents=True, exist_ok=True)
    for stream in PARTS:  # parts of an earlier run would mix with this one's
        shutil.rmtree(options.out / stream, ignore_errors=True)
    items = _walk_items(options)
    summary = ScoreSummary(files=len(items), scored_files=len(items))
    labels = _labels(options.model)
    if items:
        ds = ray.data.from_items(items, override_num_blocks=max(1, -(-len(items) // ray_options.files_per_batch)))
        threads = max(1, int(ray_options.cpus_per_worker))
        ds = ds.map_batches(ScoreFiles, fn_constructor_kwargs={"options": options, "threads": threads},
                            batch_size=ray_options.files_per_batch, compute=ray.data.ActorPoolStrategy(
                                size=ray_options.workers), num_cpus=ray_options.cpus_per_worker)
        bar = tqdm(total=len(items), unit="file", desc="scoring (ray)", dynamic_ncols=True,
                   disable=None if options.progress is None else not options.progress)
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            bar.update(int(batch["files"].sum()))
            summary.new_articles += int(batch["articles"].sum())
            summary.new_sentences += int(batch["sentences"].sum())
        bar.close()
    return _finish(options, labels, summary, started)


def _labels(model: Path) -> list[str]:
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(model)
    return [config.id2label[i] for i in range(config.num_labels)]


def _finish(options: ScoreOptions, labels: list[str], summary: ScoreSummary, started: float) -> ScoreSummary:
    """errors.jsonl from the error parts, the totals from the article parts, then report.html."""
    out = options.out
    with open(out / "errors.jsonl", "w", encoding="utf-8") as sink:
        for part in sorted((out / "errors").glob("part-*.jsonl")):
            sink.write(part.read_text(encoding="utf-8"))
    shutil.rmtree(out / "errors", ignore_errors=True)
    rows = ParquetRows(out, labels)
    totals = CorpusTotals(labels)
    for row in rows.articles():
        totals.add_article(row)
    for row in rows.errors():
        totals.add_error(row)
    (out / "run.json").write_text(json.dumps({"engine": "ray", "model": str(options.model), "backend": options.backend,
                                              "fingerprint": model_fingerprint(options.model, options.backend)},
                                             indent=2) + "\n", encoding="utf-8")
    actors = load_actors(options.actors) if options.stance is not None else None
    write_actor_tables(out, totals, actors, rows.articles())
    write_report(out, totals, model_name=options.model.name, root=options.root, summary_only=options.summary_only,
                 limit=options.report_limit, rows=rows,
                 stance_name=options.stance.name if options.stance is not None else None, group_by=options.group_by)
    summary.seconds = time.perf_counter() - started
    summary.articles, summary.sentences = totals.articles, totals.sentences
    summary.errors, summary.error_reasons = sum(totals.errors.values()), dict(totals.errors)
    if actors is not None:
        summary.actors = totals.actors
        summary.never_mentioned = [a.name for a in actors if a.name not in totals.actors]
    summary.outputs = sorted(p for p in out.iterdir() if not p.name.startswith(".") and (p.name == "report" or
                             (p.is_file() or p.name in ("sentences", "articles"))))
    return summary
