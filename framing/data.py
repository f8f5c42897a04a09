"""Labelled sentences from CSV, JSONL or Parquet: read, validate, split.

Every problem is reported as `file:line: field: message` so a user can open the file at the
right place. Validation collects all problems before stopping, so one run shows them all.
"""
from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("text", "label")
OPTIONAL_COLUMNS = ("text_pair", "article")
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    text_pair: str | None = None
    article: str | None = None
    source: str = ""  # "file:line", for error messages and reports


@dataclass
class DataError(ValueError):
    """One or more problems in labelled data; str() gives one line per problem."""

    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"{len(self.problems)} problem(s) in the labelled data:" if len(self.problems) > 1 else ""
        shown = self.problems[:50]
        more = [f"... and {len(self.problems) - 50} more"] if len(self.problems) > 50 else []
        return "\n".join(([head] if head else []) + shown + more)


def _rows(path: Path):
    """Yield (line_number, dict) for each record; a record that cannot be parsed yields (line, error str)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DataError([f"{path}: unsupported file type {path.suffix!r} (use .csv, .jsonl or .parquet)"])
    if kind == "csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None:
                return
            yield 1, list(reader.fieldnames)
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield reader.line_num, f"CSV error: {exc}"
                    continue
                yield reader.line_num, row
    elif kind == "jsonl":
        with path.open(encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, f"invalid JSON: {exc.msg} at column {exc.colno}"
                    continue
                if not isinstance(record, dict):
                    yield number, f"expected a JSON object, got {type(record).__name__}"
                    continue
                yield number, record
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        yield 0, list(table.column_names)
        for number, record in enumerate(table.to_pylist(), 1):
            yield number, record


def _clean_optional(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas-written files
        return None
    value = str(value).strip()
    return value or None


def iter_records(path: str | Path, labels: list[str] | None = None):
    """Yield (location, Example) for good records and (location, problem) for bad ones.

    A missing file, an unsupported type or a missing column raises DataError: nothing can be read.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError([f"{path}: file not found"])
    parquet = path.suffix.lower() in (".parquet", ".pq")
    header_checked = False
    for number, record in _rows(path):
        if isinstance(record, list):  # header of a CSV or Parquet file
            missing = [c for c in REQUIRED_COLUMNS if c not in record]
            if missing:
                raise DataError([f"{path}:{number}: missing column(s) {', '.join(missing)} (found: {', '.join(record)})"])
            header_checked = True
            continue
        loc = f"{path}: row {number}" if parquet else f"{path}:{number}"
        if isinstance(record, str):
            yield loc, record
            continue
        yield loc, check_record(record, loc, labels, fields_known=header_checked)


def check_record(record: dict, loc: str, labels: list[str] | None = None, fields_known: bool = False) -> Example | str:
    """The record as an Example, or the problem with it as `field: message` (the caller prefixes `loc`).
    `fields_known`: the columns were already checked (a CSV or Parquet header, an Arrow table's schema)."""
    if not fields_known:
        missing = [c for c in REQUIRED_COLUMNS if c not in record]
        if missing:
            return f"missing field(s) {', '.join(missing)}"
    text, label = record.get("text"), record.get("label")
    if text is None or not isinstance(text, str) or not text.strip():
        return "text: empty text"
    if label is None or (isinstance(label, str) and not label.strip()):
        return "label: empty label"
    label = str(label).strip()
    if labels and label not in labels:
        return f"label: {label!r} is not one of the config's labels ({', '.join(labels)})"
    return Example(text=text.strip(), label=label, text_pair=_clean_optional(record.get("text_pair")),
                   article=_clean_optional(record.get("article")), source=loc)


def read_examples(path: str | Path | list[str | Path], labels: list[str] | None = None) -> list[Example]:
    """Read and validate one source, or several in order: a CSV, JSONL or Parquet file, a `save_to_disk` folder
    or `hf:NAME[:SPLIT]` (framing/dataset.py). Raises DataError listing every bad record (file:line: field: ...)
    of every source."""
    paths = path if isinstance(path, list) else [path]
    problems: list[str] = []
    examples: list[Example] = []
    for one in paths:
        if str(one).startswith("hf:") or Path(one).is_dir():  # a hub dataset or a save_to_disk folder
            from .dataset import source_examples

            good, bad = source_examples(str(one), labels)
            examples.extend(good)
            problems.extend(bad)
            continue
        try:
            records = list(iter_records(one, labels))
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        for loc, item in records:
            if isinstance(item, str):
                problems.append(f"{loc}: {item}")
            else:
                examples.append(item)
    if problems:
        raise DataError(problems)
    if not examples:
        raise DataError([f"{path}: no labelled records"])
    return examples


def make_splits(examples: list[Example], dev_ratio: float, test_ratio: float, seed: int,
                need_test: bool = True) -> tuple[list[Example], list[Example], list[Example]]:
    """Stratified, seeded train/dev/test split; records sharing an `article` stay in one split."""
    from sklearn.model_selection import StratifiedGroupKFold

    def carve(pool: list[Example], ratio: float, salt: int) -> tuple[list[Example], list[Example]]:
        if ratio <= 0 or len(pool) < 4:
            return pool, []
        groups = [e.article if e.article is not None else f"__row{i}" for i, e in enumerate(pool)]
        n_splits = max(2, round(1 / ratio))
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed + salt)
        keep_idx, held_idx = next(splitter.split(pool, [e.label for e in pool], groups))
        return [pool[i] for i in keep_idx], [pool[i] for i in held_idx]

    rest, test = carve(examples, test_ratio, 0) if need_test else (examples, [])
    # dev_ratio is a share of all data, so rescale it to the share of what is left
    dev_share = dev_ratio / (1 - (test_ratio if need_test else 0.0))
    train, dev = carve(rest, dev_share, 1)
    return train, dev, test


def label_counts(examples: list[Example]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in examples:
        counts[e.label] = counts.get(e.label, 0) + 1
    return dict(sorted(counts.items()))
