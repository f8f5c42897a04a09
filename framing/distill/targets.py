"""Training rows for a distillation run: the gold rows with the teacher's probabilities, plus transfer sentences.

The held-out files (the config's dev, test and prior files) never reach the transfer set: their sentences and the
articles that reprint them are excluded (transfer.py). The teacher's probabilities come from its cache
(teacher.py), by default `teacher-cache/<teacher fingerprint>-<pool digest>` beside the output folder.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..config import TrainConfig
from ..data import Example
from ..dataset import COLUMNS
from ..fingerprint import model_fingerprint
from ..train_data import sources
from .teacher import teacher_probs
from .transfer import digest, transfer_sentences

log = logging.getLogger(__name__)


def held_out(cfg: TrainConfig) -> list[str]:
    """The labelled files a transfer set must not overlap: dev, test, the prior file and `distill_exclude`."""
    files = sources(cfg.dev_file) + sources(cfg.test_file) + sources(cfg.prior_file) + sources(cfg.distill_exclude)
    return [f for f in dict.fromkeys(files) if Path(f).is_file()]


def cache_folder(cfg: TrainConfig, pool: list[dict], name: str, fingerprint: str | None = None) -> Path:
    if cfg.distill_cache:
        return Path(cfg.distill_cache) / name
    teacher = (fingerprint or model_fingerprint(cfg.distill_teacher, "torch"))[:12]
    return Path(cfg.output_dir).parent / "teacher-cache" / f"{teacher}-{digest(pool)[:12]}" / name


def _in_order(probs: np.ndarray, teacher_labels: list[str], labels: list[str], teacher: str) -> np.ndarray:
    if sorted(teacher_labels) != sorted(labels):
        raise ValueError(f"distill_teacher: {teacher} has labels {teacher_labels}, the config {labels}")
    return probs[:, [teacher_labels.index(label) for label in labels]]


def with_teacher(cfg: TrainConfig, rows, train: list[Example]):
    """`rows` (the gold training rows, a Dataset of COLUMNS in the order of `train`) with a `soft` column of
    teacher probabilities, followed by the transfer sentences (label None, teacher probabilities)."""
    import datasets

    pool, counts = transfer_sentences(sources(cfg.distill_unlabelled), held_out(cfg), cfg.seed)
    size = min(cfg.distill_sentences or len(pool), len(pool))
    log.info("distillation: %d transfer sentence(s) of %d available (%d article(s) excluded as held out)", size,
             len(pool), counts.get("articles_excluded", 0))
    from ..predict import FramingClassifier

    clf = FramingClassifier.from_pretrained(cfg.distill_teacher, backend=cfg.distill_backend,
                                            batch_size=cfg.eval_batch_size)
    fingerprint = model_fingerprint(cfg.distill_teacher, "torch")  # hashed once: the weights can be GBs
    common = {"backend": cfg.distill_backend, "progress": cfg.progress, "classifier": clf, "fingerprint": fingerprint}
    transfer, teacher_labels = teacher_probs(cfg.distill_teacher, pool,
                                             cache_folder(cfg, pool, "transfer", fingerprint), needed=size, **common)
    gold_rows = [{"text": e.text} for e in train]
    gold, _ = teacher_probs(cfg.distill_teacher, gold_rows,
                            cache_folder(cfg, pool, f"gold-{digest(gold_rows)[:12]}", fingerprint), **common)
    transfer = _in_order(transfer, teacher_labels, cfg.labels, cfg.distill_teacher)
    gold = _in_order(gold, teacher_labels, cfg.labels, cfg.distill_teacher)
    features = datasets.Features({**{c: datasets.Value("string") for c in COLUMNS},
                                  "soft": datasets.Sequence(datasets.Value("float32"))})
    rows = rows.add_column("soft", gold.tolist()).cast(features)
    extra = datasets.Dataset.from_dict({"text": [r["text"] for r in pool[:size]], "label": [None] * size,
                                        "text_pair": [None] * size, "article": [r["article"] for r in pool[:size]],
                                        "soft": transfer.tolist()}, features=features)
    return datasets.concatenate_datasets([rows, extra])
