"""Labelled data through Hugging Face `datasets`: files, `save_to_disk` folders and hub datasets.

A data source is one of
- a CSV, JSON Lines or Parquet file: loaded with `datasets.load_dataset` ("csv", "json", "parquet"), which
  keeps an Arrow copy in the datasets cache;
- a folder written by `Dataset.save_to_disk` (one split of a `DatasetDict` is its own such folder);
- `hf:NAME` or `hf:NAME:SPLIT` (split `train` by default): a dataset on the Hugging Face hub, when one can be
  reached.

Files are validated by `framing.data` line by line first, so problems still read `file:line: field: message`;
folders and hub datasets are validated row by row (`SOURCE: row N: field: message`). The training rows are then
one `Dataset`, tokenised by a batched, cached `Dataset.map` (`tokenized`).
"""
from __future__ import annotations

import logging
from pathlib import Path

from .data import SUFFIXES, DataError, Example, _clean_optional, check_record

log = logging.getLogger(__name__)

HUB_PREFIX = "hf:"
BUILDERS = {"csv": "csv", "jsonl": "json", "parquet": "parquet"}
COLUMNS = ("text", "label", "text_pair", "article")
MAP_BATCH = 1000


def load_source(source: str | Path):
    """The source's rows as a `datasets.Dataset`, columns as stored. Raises DataError naming the source."""
    import datasets

    name = str(source)
    try:
        if name.startswith(HUB_PREFIX):
            repo, _, split = name[len(HUB_PREFIX):].partition(":")
            return datasets.load_dataset(repo, split=split or "train")
        path = Path(source)
        if path.is_dir():
            loaded = datasets.load_from_disk(str(path))
            if isinstance(loaded, datasets.DatasetDict):
                raise DataError([f"{path}: a DatasetDict with splits {', '.join(loaded)}; name one split's folder "
                                 f"({path / next(iter(loaded))})"])
            return loaded
        if not path.is_file():
            raise DataError([f"{path}: file not found"])
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise DataError([f"{path}: unsupported file type {path.suffix!r} (use .csv, .jsonl or .parquet)"])
        extra = {"keep_default_na": False} if kind == "csv" else {}  # an empty CSV cell stays "", as csv reads it
        return datasets.load_dataset(BUILDERS[kind], data_files=str(path), split="train", **extra)
    except DataError:
        raise
    except Exception as exc:  # the loaders raise many types (FileNotFoundError, ArrowInvalid, DatasetNotFoundError)
        raise DataError([f"{name}: cannot load with datasets: {type(exc).__name__}: {exc}"]) from None


def standard_columns(ds):
    """Only `COLUMNS`, each present (a missing optional one is all None) and as strings: files whose optional
    columns differ can then be concatenated."""
    import datasets

    missing = [c for c in ("text", "label") if c not in ds.column_names]
    if missing:
        raise DataError([f"missing column(s) {', '.join(missing)} (found: {', '.join(ds.column_names)})"])
    ds = ds.remove_columns([c for c in ds.column_names if c not in COLUMNS])
    for column in COLUMNS:
        if column not in ds.column_names:
            ds = ds.add_column(column, [None] * len(ds))
    features = datasets.Features({c: datasets.Value("string") for c in COLUMNS})
    return ds.select_columns(list(COLUMNS)).cast(features)


def source_examples(source: str, labels: list[str] | None) -> tuple[list[Example], list[str]]:
    """Examples and problems of a folder or hub source, validated row by row like a file's records."""
    try:
        ds = load_source(source)
        fields_known = all(c in ds.column_names for c in ("text", "label"))
        if not fields_known:
            return [], [f"{source}: missing column(s) text/label (found: {', '.join(ds.column_names)})"]
    except DataError as exc:
        return [], exc.problems
    examples, problems = [], []
    for number, record in enumerate(ds, 1):
        loc = f"{source}: row {number}"
        item = check_record(record, loc, labels, fields_known=True)
        (problems.append(f"{loc}: {item}") if isinstance(item, str) else examples.append(item))
    return examples, problems


def rows_dataset(sources: list[str], read: list[Example], chosen: list[Example] | None = None):
    """The rows of `sources` as one Dataset of `COLUMNS`, loaded through `datasets`. `read` are the same rows as
    the validating reader gave them (in order), `chosen` the ones to keep (default all: a train/dev/test carve
    keeps a subset). Where a loader reads a file differently from the validating reader, the validated records
    are used instead, with a warning naming the files."""
    import datasets

    chosen = read if chosen is None else chosen
    try:
        parts = [standard_columns(load_source(source)) for source in sources]
    except DataError as exc:
        log.warning("%s: %s; using the validated records", ", ".join(map(str, sources)), exc)
        return from_examples(chosen)
    full = datasets.concatenate_datasets(parts) if len(parts) > 1 else parts[0]
    texts = [t.strip() if isinstance(t, str) else t for t in full["text"]]
    if texts != [e.text for e in read]:
        log.warning("%s: datasets read %d rows, the validating reader %d (or other texts); using the validated "
                    "records", ", ".join(map(str, sources)), len(texts), len(read))
        return from_examples(chosen)
    if chosen is read:
        return full
    position = {e.source: i for i, e in enumerate(read)}
    return full.select([position[e.source] for e in chosen])


def from_examples(examples: list[Example]):
    import datasets

    features = datasets.Features({c: datasets.Value("string") for c in COLUMNS})
    return datasets.Dataset.from_dict({c: [getattr(e, c) for e in examples] for c in COLUMNS}, features=features)


def tokenized(ds, tokenizer, labels: list[str], max_length: int, pairs: bool, keep: tuple[str, ...] = ()):
    """Model inputs plus `labels` (the label's index; -100 for a row without one), by a batched `Dataset.map`,
    which `datasets` caches beside a loaded file's Arrow copy. `pairs`: feed `text_pair` (None as "") as the
    second segment, as `features.pairs_of` does for the whole set. Columns in `keep` stay."""
    from .features import model_keys, tokenize

    index = {label: i for i, label in enumerate(labels)}

    def encode(batch: dict) -> dict:
        texts = [t.strip() for t in batch["text"]]
        second = [_clean_optional(p) or "" for p in batch["text_pair"]] if pairs else None
        encoded = tokenize(tokenizer, texts, second, max_length)
        out = {k: encoded[k] for k in model_keys(encoded)}
        out["labels"] = [index[str(x).strip()] if x is not None else -100 for x in batch["label"]]
        return out

    drop = [c for c in ds.column_names if c not in keep]
    return ds.map(encode, batched=True, batch_size=MAP_BATCH, remove_columns=drop, desc="tokenising")


def lengths(ds) -> list[int]:
    return [len(x) for x in ds["input_ids"]]
