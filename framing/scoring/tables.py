"""The final tables: committed log ranges copied in walk order to JSONL, and optional CSV/Parquet copies.

Every file is written next to its final name and moved over it with os.replace, so a reader never sees a
half-written table.
"""
from __future__ import annotations

import json
import logging
import os
from contextlib import ExitStack
from pathlib import Path
from typing import Iterator

from .aggregate import UNCERTAIN, CorpusTotals
from .journal import STREAMS, Journal, fsync_dir

log = logging.getLogger(__name__)

FORMATS = ("csv", "parquet")
COPY_CHUNK = 1 << 20
TABLE_ROWS = 10_000


def assemble(journal: Journal, out: Path, labels: list[str], summary_only: bool = False,
             formats: tuple[str, ...] = ()) -> CorpusTotals:
    """Write sentences/articles/errors.jsonl (no sentences with `summary_only`) and the extra formats."""
    streams = [s for s in STREAMS if not (summary_only and s == "sentences")]
    targets = {s: out / f"{s}.jsonl" for s in streams}
    with ExitStack() as stack:
        sources = {s: stack.enter_context(open(journal.log_path(s), "rb")) for s in streams}
        sinks = {s: stack.enter_context(AtomicFile(targets[s])) for s in streams}
        for chunk in journal.chunks():
            for s in streams:
                start, end = chunk.ranges[s]
                _copy(sources[s], sinks[s].handle, start, end)
    totals = CorpusTotals(labels)
    for row in read_jsonl(targets["articles"]):
        totals.add_article(row)
    for row in read_jsonl(targets["errors"]):
        totals.add_error(row)
    for fmt in FORMATS:
        for s in STREAMS:
            target = out / f"{s}.{fmt}"
            if fmt in formats and s in streams:
                write_table(targets[s], target, s, labels, fmt)
            elif target.exists():
                # left by an earlier run with --format: it would no longer match the JSONL tables
                log.info("removing %s (not requested in this run, so it would be out of date)", target)
                target.unlink()
    return totals


class AtomicFile:
    """A binary file written under a temporary name, fsynced and moved into place on success."""

    def __init__(self, target: Path):
        self.target = target
        self.tmp = target.with_name(f".{target.name}.tmp")
        self.handle = None

    def __enter__(self) -> "AtomicFile":
        self.handle = open(self.tmp, "wb")
        return self

    def __exit__(self, exc_type, *_) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp, self.target)
            fsync_dir(self.target.parent)
        else:
            self.tmp.unlink(missing_ok=True)


def _copy(src, dst, start: int, end: int) -> None:
    src.seek(start)
    remaining = end - start
    while remaining > 0:
        data = src.read(min(remaining, COPY_CHUNK))
        if not data:
            raise OSError(f"{src.name}: ends before committed offset {end}")
        dst.write(data)
        remaining -= len(data)


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


# -- flat tables ------------------------------------------------------------------------------------

def _schema(stream: str, labels: list[str]):
    import pyarrow as pa

    all_labels = [*labels, UNCERTAIN]
    if stream == "sentences":
        return pa.schema([("article", pa.string()), ("sentence", pa.int64()), ("start", pa.int64()),
                          ("end", pa.int64()), ("text", pa.string()), ("label", pa.string()),
                          ("score", pa.float64()), ("top_label", pa.string()),
                          *[(f"p_{x}", pa.float64()) for x in labels], ("targets", pa.string())])
    if stream == "articles":
        return pa.schema([("article", pa.string()), ("file", pa.string()), ("line", pa.int64()),
                          ("item", pa.int64()), ("title", pa.string()), ("date", pa.string()),
                          ("outlet", pa.string()), ("format", pa.string()),
                          ("encoding", pa.string()), ("sentences", pa.int64()), ("dominant", pa.string()),
                          ("mean_confidence", pa.float64()),
                          *[(f"count_{x}", pa.int64()) for x in all_labels],
                          *[(f"share_{x}", pa.float64()) for x in all_labels],
                          *[(f"top_{x}_{k}", t) for x in labels
                            for k, t in (("sentence", pa.int64()), ("text", pa.string()), ("score", pa.float64()))],
                          ("group", pa.string()), ("actors", pa.string())])
    return pa.schema([("file", pa.string()), ("line", pa.int64()), ("item", pa.int64()), ("field", pa.string()),
                      ("reason", pa.string()), ("message", pa.string())])


def flatten(stream: str, row: dict) -> dict:
    """One JSON row as flat columns: probabilities, counts and top sentences spread out per label; a sentence's
    stance targets and an article's actor counts as JSON text (empty without a stance model)."""
    if stream == "sentences":
        flat = {k: v for k, v in row.items() if k not in ("probs", "targets")}
        flat.update({f"p_{k}": v for k, v in row["probs"].items()})
        flat["targets"] = json.dumps(row["targets"], ensure_ascii=False) if "targets" in row else None
        return flat
    if stream == "articles":
        flat = {k: v for k, v in row.items() if k not in ("counts", "shares", "top_sentences", "actors")}
        flat["actors"] = json.dumps(row["actors"], ensure_ascii=False) if "actors" in row else None
        flat.update({f"count_{k}": v for k, v in row["counts"].items()})
        flat.update({f"share_{k}": v for k, v in row["shares"].items()})
        for label, top in row["top_sentences"].items():
            for key in ("sentence", "text", "score"):
                flat[f"top_{label}_{key}"] = top[key] if top else None
        return flat
    return row


def write_table(source: Path, target: Path, stream: str, labels: list[str], fmt: str) -> None:
    """Stream a JSONL table into CSV or Parquet, `TABLE_ROWS` rows at a time."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    schema = _schema(stream, labels)
    tmp = target.with_name(f".{target.name}.tmp")
    writer = pq.ParquetWriter(tmp, schema) if fmt == "parquet" else pacsv.CSVWriter(tmp, schema)
    try:
        rows: list[dict] = []
        for row in read_jsonl(source):
            rows.append(flatten(stream, row))
            if len(rows) >= TABLE_ROWS:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows or fmt == "csv":
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    except BaseException:
        writer.close()
        tmp.unlink(missing_ok=True)
        raise
    writer.close()
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    fsync_dir(target.parent)


def unflatten(stream: str, row: dict, labels: list[str]) -> dict:
    """The inverse of `flatten`: a flat Parquet or CSV row back in the nested form of the JSONL tables."""
    all_labels = [*labels, UNCERTAIN]
    if stream == "sentences":
        nested = {k: v for k, v in row.items() if not k.startswith("p_") and k != "targets"}
        nested["probs"] = {x: row[f"p_{x}"] for x in labels}
        if row.get("targets") is not None:
            nested["targets"] = json.loads(row["targets"])
        return nested
    if stream == "articles":
        nested = {k: v for k, v in row.items() if not k.startswith(("count_", "share_", "top_"))
                  and k not in ("actors", "group")}
        if row.get("group") is not None:
            nested["group"] = row["group"]
        if row.get("actors") is not None:
            nested["actors"] = json.loads(row["actors"])
        nested["counts"] = {x: row[f"count_{x}"] for x in all_labels}
        nested["shares"] = {x: row[f"share_{x}"] for x in all_labels}
        nested["top_sentences"] = {x: ({k: row[f"top_{x}_{k}"] for k in ("sentence", "text", "score")}
                                       if row[f"top_{x}_sentence"] is not None else None) for x in labels}
        return nested
    return row
