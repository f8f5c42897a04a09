"""The model card (framing.modelcard): labels, split sizes, dev/test figures, the recipe, calibration, fingerprint."""
from __future__ import annotations

import shutil

import pytest

from framing.config import TrainConfig
from framing.fingerprint import model_fingerprint
from framing.modelcard import write_model_card

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]
COUNTS = {"train": {"accusatory": 10, "humanitarian": 12, "legal_argument": 8, "background": 10},
          "dev": {"accusatory": 3, "humanitarian": 3, "legal_argument": 3, "background": 3},
          "test": {"accusatory": 4, "humanitarian": 5, "background": 3}}  # a label missing from a split counts 0


def _figures(macro_f1: float, accuracy: float, ece: float, baseline: float, f1: list[float]) -> dict:
    return {"macro_f1": macro_f1, "accuracy": accuracy, "ece": ece, "majority_baseline_macro_f1": baseline,
            "per_label": {label: {"f1": x} for label, x in zip(LABELS, f1)}}


def _metrics(**overrides) -> dict:
    metrics = {"dev": _figures(0.6123, 0.7, 0.0812, 0.1, [0.7, 0.6, 0.5, 0.65]),
               "test": _figures(0.5432, 0.6667, 0.1234, 0.125, [0.81, 0.42, 0.0, 0.6]),
               "best_epoch": 3, "epochs_run": 5, "train_seconds": 42.4, "calibration": None, "data": COUNTS}
    metrics.update(overrides)
    return metrics


def _config(**overrides) -> TrainConfig:
    values = dict(labels=LABELS, train_file="data/train.jsonl", dev_file="data/dev.jsonl", test_file="data/test.jsonl",
                  encoder="pypi:all-minilm-l6-v2", epochs=5, learning_rate=5e-5)
    values.update(overrides)
    return TrainConfig(**values)


@pytest.fixture
def folder(tiny_model, tmp_path):
    """A writable copy, named as training names the folder it writes before moving it into place."""
    return shutil.copytree(tiny_model, tmp_path / "small.partial")


def _card(folder, cfg: TrainConfig, metrics: dict) -> str:
    write_model_card(folder, cfg, metrics)
    return (folder / "README.md").read_text(encoding="utf-8")


def test_card_has_labels_splits_and_figures(folder):
    card = _card(folder, _config(), _metrics())
    assert card.startswith("---\nlibrary_name: transformers\n")
    assert "# framing classifier (small)\n" in card  # the .partial suffix of the folder being written is dropped
    assert "Fine-tuned from `pypi:all-minilm-l6-v2`" in card
    assert "one of: `accusatory`, `humanitarian`, `legal_argument`, `background`." in card
    assert "- train: `data/train.jsonl` (40 sentences)" in card
    assert "- dev: `data/dev.jsonl` (12 sentences)" in card
    assert "- test: `data/test.jsonl` (12 sentences)" in card
    for row in ("| accusatory | 10 | 3 | 4 | 0.810 |", "| humanitarian | 12 | 3 | 5 | 0.420 |",
                "| legal_argument | 8 | 3 | 0 | 0.000 |", "| background | 10 | 3 | 3 | 0.600 |"):
        assert row in card
    assert "| dev | 0.612 | 0.700 | 0.081 | 0.100 |" in card
    assert "| test | 0.543 | 0.667 | 0.123 | 0.125 |" in card
    assert "Best dev epoch 3 of 5; training took 42 s." in card
    assert "LP-FT" not in card
    assert "Probabilities are the fine-tuned model's own (no temperature scaling)." in card
    assert "Intended use and limits" in card


def test_fingerprint_is_the_model_fingerprint(folder):
    card = _card(folder, _config(), _metrics())
    # the card itself is not part of what is hashed: the folder's fingerprint is the same after writing it
    assert f"Fingerprint `{model_fingerprint(folder)}`" in card
    assert len(model_fingerprint(folder)) == 32


def test_lp_ft_line_when_probe_epochs(folder):
    card = _card(folder, _config(probe_epochs=2, probe_learning_rate=1e-3), _metrics())
    assert ("LP-FT: the first 2 epoch(s) trained only the classification head (encoder frozen, learning rate 0.001), "
            "the rest fine-tuned all weights at 5e-05.") in card


def test_calibration_line(folder):
    calibration = {"temperature": 1.5432, "dev_ece_before": 0.1234, "dev_ece_after": 0.0456}
    card = _card(folder, _config(), _metrics(calibration=calibration))
    assert ("Probabilities are temperature-scaled: T = 1.543, fitted on dev and folded into the classifier layer "
            "(dev ECE 0.123 before, 0.046 after; labels unchanged).") in card
    assert "no temperature scaling" not in card


def test_several_train_files_are_several_code_spans(folder):
    cfg = _config(train_file=["data/written.jsonl", "data/real_news.jsonl"])
    card = _card(folder, cfg, _metrics())
    assert "- train: `data/written.jsonl` + `data/real_news.jsonl` (40 sentences)" in card


def test_carved_splits_and_no_test_set(folder):
    counts = {**COUNTS, "test": {}}
    card = _card(folder, _config(dev_file=None, test_file=None), _metrics(test=None, data=counts))
    assert "- dev: carved from train (12 sentences)" in card
    assert "- test: none (0 sentences)" in card
    assert "| test | n/a | n/a | n/a | n/a |" in card
    assert "| accusatory | 10 | 3 | 0 | n/a |" in card
