"""A training run's data: the splits as validated examples, and the training rows as a tokenised `Dataset`.

`load_splits` reads the config's sources (framing/dataset.py: files, `save_to_disk` folders, hub datasets) and
carves dev/test from train when they are not given. `training_rows` loads the training rows through `datasets`,
adds the teacher's soft targets and the transfer sentences when the run distils (framing/distill/), and
tokenises them with a cached batched map. `Collator` pads a batch of rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .config import TrainConfig
from .data import Example, make_splits, read_examples
from .dataset import lengths, rows_dataset, tokenized


@dataclass
class Splits:
    train: list[Example]
    dev: list[Example]
    test: list[Example]
    read: list[Example]  # every record of train_file, in file order (train is all of them or a carved subset)


def sources(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def load_splits(cfg: TrainConfig) -> Splits:
    read = read_examples(cfg.train_file, cfg.labels)
    train = read
    dev = read_examples(cfg.dev_file, cfg.labels) if cfg.dev_file else None
    test = read_examples(cfg.test_file, cfg.labels) if cfg.test_file else None
    if dev is None:
        need_test = test is None and cfg.test_ratio > 0
        train, dev, made_test = make_splits(read, cfg.dev_ratio, cfg.test_ratio, cfg.seed, need_test=need_test)
        test = test if test is not None else made_test
    elif test is None and cfg.test_ratio > 0:
        train, _, test = make_splits(read, 0.0, cfg.test_ratio, cfg.seed)
    return Splits(train, dev, test or [], read)


def training_rows(cfg: TrainConfig, tokenizer, splits: Splits):
    """The tokenised training rows (input ids, attention mask, `labels`, and `soft` when distilling) and their
    token counts, in the order of `splits.train` followed by any transfer sentences."""
    import datasets

    if not cfg.progress:
        datasets.disable_progress_bars()
    rows = rows_dataset(sources(cfg.train_file), splits.read, splits.train)
    pairs = any(e.text_pair for e in splits.train)
    keep: tuple[str, ...] = ()
    if cfg.distill_teacher:
        from .distill.targets import with_teacher

        rows = with_teacher(cfg, rows, splits.train)
        keep = ("soft",)
    ds = tokenized(rows, tokenizer, cfg.labels, cfg.max_length, pairs, keep)
    return ds, lengths(ds)


class Collator:
    """Pads model inputs per batch (dynamic padding) and stacks the teacher's probabilities when present."""

    def __init__(self, tokenizer):
        from transformers import DataCollatorWithPadding

        self.pad = DataCollatorWithPadding(tokenizer, return_tensors="pt")

    def __call__(self, rows: list[dict]) -> dict:
        soft = [row.pop("soft") for row in rows] if rows and "soft" in rows[0] else None
        batch = self.pad(rows)
        if soft is not None:
            batch["soft"] = torch.tensor(soft, dtype=torch.float32)
        return batch
