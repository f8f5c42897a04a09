"""Shared fixtures: a tiny randomly initialised BERT built on the fly (no weights downloaded)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _vocab(texts: list[str]) -> list[str]:
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]


@pytest.fixture(scope="session")
def tiny_corpus() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "tiny_corpus.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory, tiny_corpus) -> Path:
    """A 2-layer, 32-wide BERT with a word-level vocabulary of the fixture corpus, randomly initialised."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-encoder")
    extra = [(SHARED / "seed-article.txt").read_text(encoding="utf-8")] if (SHARED / "seed-article.txt").exists() else []
    (folder / "vocab.txt").write_text("\n".join(_vocab([r["text"] for r in tiny_corpus] + extra)) + "\n", encoding="utf-8")
    # `vocab=` (a path or a dict): transformers 5 ignores `vocab_file=` and would leave only the 5 special tokens
    tokenizer = BertTokenizerFast(vocab=str(folder / "vocab.txt"), do_lower_case=True, model_max_length=64)
    assert len(tokenizer.get_vocab()) > 5, "the tiny vocabulary did not load"
    tokenizer.save_pretrained(folder)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=66)
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def _with_labels(encoder: Path, folder: Path, labels: list[str]) -> Path:
    """The tiny encoder with a classification head for `labels`, saved as a trained model folder would be."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(
        encoder, num_labels=len(labels), id2label=dict(enumerate(labels)),
        label2id={x: i for i, x in enumerate(labels)}, ignore_mismatched_sizes=True)
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(encoder).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_encoder) -> Path:
    """The tiny encoder with the four framing labels attached, as a trained model folder would have them."""
    return _with_labels(tiny_encoder, tmp_path_factory.mktemp("tiny-model"), LABELS)


@pytest.fixture(scope="session")
def tiny_stance_model(tmp_path_factory, tiny_encoder) -> Path:
    """The tiny encoder with the three stance labels, as `train.py --config configs/stance.yaml` would save it."""
    return _with_labels(tiny_encoder, tmp_path_factory.mktemp("tiny-stance"), ["negative", "neutral", "positive"])


@pytest.fixture
def corpus_files(tmp_path, tiny_corpus) -> dict[str, Path]:
    """The fixture corpus split into train/dev/test JSONL files."""
    files = {}
    for split, rows in (("train", tiny_corpus[:40]), ("dev", tiny_corpus[40:52]), ("test", tiny_corpus[52:])):
        path = tmp_path / f"{split}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        files[split] = path
    return files
