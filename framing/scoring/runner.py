"""A scoring run: walk and read in a thread, score bounded batches of sentences, journal, then assemble the tables.

Batches are whole articles, taken in stream order until they hold at least `batch_sentences` sentences, so they
cross file boundaries. A batch is committed only once all of it is written, and a resumed run starts at the item
after the last commit: it therefore builds exactly the batches the uninterrupted run would have built, and the
model sees the same inputs together (padding and batch shape change the last bits of the probabilities).
"""
from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from tqdm import tqdm

from ..fingerprint import model_fingerprint
from ..predict import FramingClassifier
from ..segment import Span, segment
from .aggregate import ArticleSummary, sentence_record
from .discovery import Shard, walk
from .groups import GROUP_BY, group_of
from .journal import Journal
from .reading import Article, Problem, SourceFile
from .report import write_report
from .stance_tables import write_actor_tables
from .tables import FORMATS, assemble

log = logging.getLogger(__name__)

QUEUE_ITEMS = 256
PROBLEMS_PER_BATCH = 1024  # a batch of unreadable files still ends, so memory stays bounded


@dataclass
class ScoreOptions:
    root: Path
    out: Path
    model: Path
    glob: str | None = None
    text_field: str = "text"
    max_bytes: int = 10_000_000
    min_confidence: float = 0.0
    shard: Shard | None = None
    summary_only: bool = False
    backend: str = "torch"
    formats: tuple[str, ...] = ()
    batch_sentences: int = 256
    model_batch_size: int = 32
    report_limit: int = 10_000  # articles with a page of their own in the report (all are in its lists)
    progress: bool | None = None  # None: a bar when stderr is a terminal
    stance: Path | None = None  # a stance model folder: each sentence's named actors and its stance toward them
    actors: Path | None = None  # the actors YAML for stance (None: the shipped list)
    group_by: str | None = None  # outlet | date | folder: each article's group in the tables and the report

    def __post_init__(self):
        self.root, self.out, self.model = Path(self.root), Path(self.out), Path(self.model)
        self.stance = Path(self.stance) if self.stance is not None else None
        self.actors = Path(self.actors) if self.actors is not None else None
        if self.actors is not None and self.stance is None:
            raise ValueError("actors: needs a stance model (--stance)")
        if self.group_by is not None and self.group_by not in GROUP_BY:
            raise ValueError(f"group_by: must be one of {', '.join(GROUP_BY)}, got {self.group_by!r}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence: must be between 0 and 1, got {self.min_confidence}")
        for name in ("max_bytes", "batch_sentences", "model_batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be at least 1, got {getattr(self, name)}")
        if self.report_limit < 0:
            raise ValueError(f"report_limit: must be 0 or more, got {self.report_limit}")
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise ValueError(f"formats: unknown {', '.join(unknown)} (choose from {', '.join(FORMATS)})")
        if not self.text_field:
            raise ValueError("text_field: must not be empty")


@dataclass
class ScoreSummary:
    files: int = 0  # files of this run (after --glob and --shard)
    scored_files: int = 0  # read in this run
    unchanged_files: int = 0  # already scored with the same content
    resumed_files: int = 0  # continued after an interrupted run
    articles: int = 0
    sentences: int = 0
    errors: int = 0
    error_reasons: dict[str, int] = field(default_factory=dict)
    new_articles: int = 0
    new_sentences: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    actors: dict[str, dict[str, int]] | None = None  # stance runs: {actor: {stance: mentions}}
    never_mentioned: list[str] = field(default_factory=list)  # stance runs: actors of the list no sentence names

    @property
    def articles_per_s(self) -> float:
        return self.new_articles / self.seconds if self.seconds else 0.0

    @property
    def sentences_per_s(self) -> float:
        return self.new_sentences / self.seconds if self.seconds else 0.0


# -- what the reader thread hands over -------------------------------------------------------------

@dataclass(frozen=True)
class _Unchanged:
    rel: str
    position: int


@dataclass(frozen=True)
class _FileStart:
    rel: str
    position: int
    fingerprint: str | None
    reset: bool
    after: int


@dataclass(frozen=True)
class _FileEnd:
    rel: str


@dataclass(frozen=True)
class _Scorable:
    article: Article
    spans: list[Span]


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


class _Reader(threading.Thread):
    """Walks, fingerprints, reads, extracts and segments ahead of the model, into a bounded queue."""

    def __init__(self, options: ScoreOptions, journal: Journal, items: queue.Queue):
        super().__init__(name="framing-score-reader", daemon=True)
        self.options = options
        self.journal = journal
        self.items = items
        self.stop = threading.Event()

    def put(self, item) -> None:
        while not self.stop.is_set():
            try:
                self.items.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise _Stopped

    def run(self) -> None:
        state = self.journal.reader()
        try:
            for position, entry in enumerate(walk(self.options.root, self.options.glob, self.options.shard,
                                             exclude=(self.options.out,))):
                self._file(position, entry, state)
            self.put(_END)
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the main thread, which re-raises it
            try:
                self.put(_Failed(exc))
            except _Stopped:
                pass
        finally:
            state.close()

    def _file(self, position: int, entry, state) -> None:
        opts = self.options
        source = SourceFile(entry, opts.max_bytes, opts.text_field)
        fingerprint = source.fingerprint()
        known = state.lookup(entry.rel)
        after, reset = 0, True
        if fingerprint is not None and known is not None and known.fingerprint == fingerprint:
            if known.status == "done":
                self.put(_Unchanged(entry.rel, position))
                return
            after, reset = known.records_done, False
        self.put(_FileStart(entry.rel, position, fingerprint, reset, after))
        try:
            for record in source.records(after):
                if _number(record) <= after:
                    continue
                if isinstance(record, Problem):
                    self.put(record)
                    continue
                spans = segment(record.text)
                if not spans:
                    self.put(Problem(record.file, "no_text", "no sentences found", line=record.line,
                                     item=record.item))
                else:
                    self.put(_Scorable(record, spans))
        except _Stopped:
            raise
        except Exception as exc:  # a reader bug or a library failing on one odd file must not end the run
            log.debug("reading %s failed", entry.rel, exc_info=True)
            self.put(Problem(entry.rel, "read_failed", f"could not read: {type(exc).__name__}: {exc}"))
        self.put(_FileEnd(entry.rel))


class _Stopped(Exception):
    pass


def _number(record: Article | Problem) -> int:
    """Where a record sits in its file for resuming: its line or item, 1 for the only record of a file."""
    return record.record if record.record is not None else 1


def _batches(items: queue.Queue, journal: Journal, batch_sentences: int, bar) -> Iterator[list]:
    """Items in stream order, in batches of at least `batch_sentences` sentences. A full batch is cut just before
    the next file or article starts, so a file's closing items (its last problems, its end) commit with it."""
    batch: list = []
    sentences = problems = 0
    while True:
        item = items.get()
        if item is _END:
            break
        if isinstance(item, _Failed):
            raise item.error
        if isinstance(item, _Unchanged):
            # Not part of any batch: an unchanged file adds no work, and resumed runs must cut batches
            # exactly where uninterrupted ones did.
            journal.mark_seen(item.rel, item.position)
            bar.update(1)
            continue
        if isinstance(item, (_FileStart, _Scorable)) and (sentences >= batch_sentences
                                                          or problems >= PROBLEMS_PER_BATCH):
            yield batch
            batch, sentences, problems = [], 0, 0
        batch.append(item)
        if isinstance(item, _Scorable):
            sentences += len(item.spans)
        elif isinstance(item, Problem):
            problems += 1
    yield batch


def _dump(row: dict) -> bytes:
    return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")


def load_stance(options: ScoreOptions, stance=None):
    """The run's StanceClassifier (None without --stance), on the framing model's backend."""
    if stance is not None or options.stance is None:
        return stance
    from ..stance import StanceClassifier

    return StanceClassifier.from_pretrained(options.stance, backend=options.backend, actors=options.actors,
                                            batch_size=options.model_batch_size)


def run_settings(options: ScoreOptions, clf, stance) -> dict:
    """What the outputs depend on: a run resumed with other settings starts over (framing.scoring.journal)."""
    backend = getattr(clf.backend, "name", options.backend)
    settings = {"model": model_fingerprint(options.model, backend), "backend": backend,
                "labels": clf.labels, "min_confidence": options.min_confidence, "text_field": options.text_field,
                "max_bytes": options.max_bytes, "summary_only": options.summary_only}
    if stance is not None:
        settings["stance"] = model_fingerprint(options.stance, getattr(stance.backend, "name", options.backend))
        listed = json.dumps([[a.name, a.type, *a.forms, *a.exclude, *a.ambiguous, *a.context]
                             for a in stance.matcher.actors], ensure_ascii=False)
        settings["actors"] = hashlib.blake2b(listed.encode("utf-8"), digest_size=8).hexdigest()
    if options.group_by is not None:
        settings["group_by"] = options.group_by
    return settings


def score_folder(options: ScoreOptions, classifier=None, on_batch: Callable[[int], None] | None = None,
                 stance=None) -> ScoreSummary:
    """Score every article under `options.root` into `options.out`; safe to interrupt and run again.

    `on_batch(n)` is called after batch n is written and before it is committed (tests use it to crash there).
    """
    if not options.root.is_dir():
        raise FileNotFoundError(f"{options.root}: not a folder")
    clf = classifier or FramingClassifier.from_pretrained(options.model, backend=options.backend,
                                                          batch_size=options.model_batch_size)
    stance = load_stance(options, stance)
    labels = clf.labels
    settings = run_settings(options, clf, stance)
    summary = ScoreSummary()
    options.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Journal(options.out, settings) as journal:
        total = sum(1 for _ in walk(options.root, options.glob, options.shard, exclude=(options.out,)))
        summary.files = total
        items: queue.Queue = queue.Queue(maxsize=QUEUE_ITEMS)
        reader = _Reader(options, journal, items)
        bar = tqdm(total=total, unit="file", desc="scoring", disable=None if options.progress is None
                   else not options.progress, dynamic_ncols=True)
        reader.start()
        try:
            for number, batch in enumerate(_batches(items, journal, options.batch_sentences, bar)):
                _score_batch(batch, clf, stance, labels, options, journal, summary, bar)
                if on_batch is not None:
                    on_batch(number)
                journal.commit()
                elapsed = time.perf_counter() - started
                bar.set_postfix_str(f"{summary.new_articles / elapsed:.1f} articles/s, "
                                    f"{summary.new_sentences / elapsed:.0f} sentences/s")
            journal.commit()
        finally:
            reader.stop.set()
            reader.join(timeout=5)
            bar.close()
        unfinished = journal.unfinished()
        if unfinished:
            raise RuntimeError(f"{len(unfinished)} file(s) not finished, e.g. {unfinished[0]}")
        summary.unchanged_files = summary.files - summary.scored_files
        totals = assemble(journal, options.out, labels, summary_only=options.summary_only, formats=options.formats)
        write_actor_tables(options.out, totals, stance.matcher.actors if stance is not None else None)
        write_report(options.out, totals, model_name=clf.name, root=options.root, summary_only=options.summary_only,
                     limit=options.report_limit, stance_name=stance.name if stance is not None else None,
                     group_by=options.group_by)
    summary.seconds = time.perf_counter() - started
    summary.articles, summary.sentences = totals.articles, totals.sentences
    summary.errors, summary.error_reasons = sum(totals.errors.values()), dict(totals.errors)
    summary.outputs = sorted(p for p in options.out.iterdir() if (p.is_file() or p.name == "report")
                             and not p.name.startswith("."))
    if stance is not None:
        summary.actors = totals.actors
        summary.never_mentioned = [a.name for a in stance.matcher.actors if a.name not in totals.actors]
    return summary


def score_spans(clf, stance, spans: list[Span]):
    """Framing probabilities of the sentences, and with a stance model their targets (None without)."""
    texts = [span.text for span in spans]
    probs = clf.predict_proba(texts) if texts else None
    targets = stance.targets(texts, [span.start for span in spans]) if stance is not None and texts else None
    return probs, targets


def _score_batch(batch: list, clf, stance, labels: list[str], options: ScoreOptions, journal: Journal,
                 summary: ScoreSummary, bar) -> None:
    probs, targets = score_spans(clf, stance, [span for item in batch if isinstance(item, _Scorable)
                                               for span in item.spans])
    row = 0
    for item in batch:
        if isinstance(item, _FileStart):
            journal.begin_file(item.rel, item.position, item.fingerprint, item.reset, item.after)
            summary.scored_files += 1
            summary.resumed_files += item.after > 0
        elif isinstance(item, _Scorable):
            article = item.article
            agg = ArticleSummary(article, labels, group_of(article, options.group_by), stance is not None)
            lines = []
            for index, span in enumerate(item.spans):
                record = sentence_record(article.id, index, span, probs[row], labels, options.min_confidence,
                                         targets[row] if targets is not None else None)
                row += 1
                agg.add(record)
                if not options.summary_only:
                    lines.append(_dump(record))
            journal.append("sentences", lines)
            journal.append("articles", [_dump(agg.to_dict())])
            journal.resolved(article.file, _number(article), sentences=len(item.spans), articles=1)
            summary.new_articles += 1
            summary.new_sentences += len(item.spans)
        elif isinstance(item, Problem):
            log.warning("%s", item)
            journal.append("errors", [_dump(item.to_dict())])
            journal.resolved(item.file, _number(item), errors=1)
        elif isinstance(item, _FileEnd):
            journal.end_file(item.rel)
            bar.update(1)
