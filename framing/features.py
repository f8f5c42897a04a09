"""Tokenizer inputs: the one place that turns sentences (and optional targets) into model inputs.

Training, dev scoring, `framing evaluate`, prediction and the service all build their inputs here, so a
sentence pair (`text_pair`, the stance task's target) is handled the same way everywhere.
"""
from __future__ import annotations

from typing import Sequence

MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def pairs_of(examples) -> list[str] | None:
    """The examples' `text_pair` values, or None when none has one (a plain sentence task)."""
    if not any(e.text_pair for e in examples):
        return None
    return [e.text_pair or "" for e in examples]


def tokenize(tokenizer, texts: Sequence[str], pairs: Sequence[str] | None = None, max_length: int | None = None):
    """Token ids for sentences, or sentence pairs; truncated to `max_length` when given."""
    kwargs = {"text_pair": list(pairs)} if pairs is not None else {}
    if max_length is None:
        return tokenizer(list(texts), truncation=False, **kwargs)
    return tokenizer(list(texts), truncation=True, max_length=max_length, **kwargs)


def model_keys(encoded) -> list[str]:
    """The inputs this tokenizer produces that the model takes (token_type_ids only for some encoders)."""
    return [k for k in MODEL_INPUTS if k in encoded]


def training_features(tokenizer, examples, labels: list[str], max_length: int) -> list[dict]:
    """One dict per example, model inputs plus the label's index, for a padding collator."""
    index = {label: i for i, label in enumerate(labels)}
    encoded = tokenize(tokenizer, [e.text for e in examples], pairs_of(examples), max_length)
    keys = model_keys(encoded)
    return [{**{k: encoded[k][i] for k in keys}, "labels": index[e.label]} for i, e in enumerate(examples)]
