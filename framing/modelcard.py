"""The model card (README.md) written into every trained model folder."""
from __future__ import annotations

from pathlib import Path

from .config import TrainConfig
from .fingerprint import model_fingerprint


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def write_model_card(folder: Path, cfg: TrainConfig, metrics: dict) -> None:
    dev, test = metrics["dev"], metrics["test"]
    counts = metrics["data"]
    label_rows = "\n".join(
        f"| {label} | {counts['train'].get(label, 0)} | {counts['dev'].get(label, 0)} | {counts['test'].get(label, 0)} |"
        + (f" {test['per_label'][label]['f1']:.3f} |" if test else " n/a |")
        for label in cfg.labels)
    pairs = metrics.get("pairs", False)
    text = f"""---
library_name: transformers
pipeline_tag: text-classification
tags: [framing, news, text-classification{', stance' if pairs else ''}]
---
# {cfg.task_name} classifier ({folder.name.removesuffix('.partial')})

Fine-tuned from `{cfg.encoder}` with `train.py` from the framing project. {_task(cfg, pairs)}
{_use(pairs)}
## Data
- train: {_files(cfg.train_file)} ({sum(counts['train'].values())} sentences)
- dev: {_files(cfg.dev_file) if cfg.dev_file else 'carved from train'} ({sum(counts['dev'].values())} sentences)
- test: {_files(cfg.test_file) if cfg.test_file else ('carved from train' if counts['test'] else 'none')} ({sum(counts['test'].values())} sentences)

| label | train | dev | test | test F1 |
|---|---|---|---|---|
{label_rows}

## Results
| split | macro-F1 | accuracy | ECE | majority-class macro-F1 |
|---|---|---|---|---|
| dev | {_f(dev['macro_f1'])} | {_f(dev['accuracy'])} | {_f(dev['ece'])} | {_f(dev['majority_baseline_macro_f1'])} |
| test | {_f(test and test['macro_f1'])} | {_f(test and test['accuracy'])} | {_f(test and test['ece'])} | {_f(test and test['majority_baseline_macro_f1'])} |

Best dev epoch {metrics['best_epoch']} of {metrics['epochs_run']}; training took {metrics['train_seconds']:.0f} s.{_recipe(cfg)}
{_calibration_line(metrics.get('calibration'))}{_offsets_line(metrics.get('label_offsets'))}{_distill_line(metrics.get('distillation'))}Fingerprint `{model_fingerprint(folder)}` (config, tokenizer and weights; `framing score` records the
same hash, and `framing serve` reports its first 12 characters as the model version).
The full evaluation is in `report.md` (test) and `dev_report.md`; all settings in `training_config.json`.

## Intended use and limits
- Meant for research on how news text frames conflicts: sentence-level tendencies aggregated over many
  articles. It is not a fact-checker and says nothing about whether a sentence is true.
{_limit(pairs)}
- Trained on English text; on other languages, genres or label sets its scores are not calibrated.
- Scores are softmax probabilities; check the test ECE above before reading them as confidence (the dev
  ECE is optimistic when the temperature was fitted on dev).
"""
    (folder / "README.md").write_text(text, encoding="utf-8")


def _limit(pairs: bool) -> str:
    if pairs:
        return ("- One stance per (sentence, target): a sentence both for and against the target gets what it "
                "stresses. Only\n  the actors of the actor list are found; pronouns are not resolved.")
    return ("- One label per sentence: sentences that mix framings get the dominant one, and the annotation guide's\n"
            "  hard cases (law words in descriptions, accusations by contrast) are where most errors are.")


def _task(cfg, pairs: bool) -> str:
    labels = ", ".join(f"`{x}`" for x in cfg.labels)
    if not pairs:
        return f"Each input sentence gets one of: {labels}."
    return (f"Each input is a sentence and a target, the mention of an actor as it appears in the sentence "
            f"(`text_pair`); it gets one of {labels}: the sentence's stance toward that target "
            "(data/annotation/stance/guide.md in the framing project).")


def _use(pairs: bool) -> str:
    if pairs:
        return """
## Use
```python
from transformers import pipeline
clf = pipeline("text-classification", model="path/to/this/folder", top_k=None)
clf({"text": "Moscow accused Washington of blocking the aid convoy.", "text_pair": "Washington"})
```
or, with actor matching (framing/actors.yaml), segmentation and offsets,
`framing.stance.StanceClassifier.from_pretrained(folder).predict(article)`, `framing score --stance` and
`POST /v1/stance` of `framing serve`.

Stance here is what the sentence, as published, says about the target: blamed, accused or attacked (negative),
praised, defended or presented as acting rightly (positive), or neither (neutral). It is not the outlet's
opinion of the actor and not a fact-check. Sentences about one actor are scored on its first mention.
"""
    return """
## Use
```python
from transformers import pipeline
clf = pipeline("text-classification", model="path/to/this/folder", top_k=None)
clf("The ministry said aid convoys were blocked at the border.")
```
or, with sentence segmentation and character offsets, `framing.FramingClassifier.from_pretrained(folder).predict(article)`.
"""


def _recipe(cfg) -> str:
    if not cfg.probe_epochs:
        return ""
    return (f" LP-FT: the first {cfg.probe_epochs} epoch(s) trained only the classification head (encoder frozen, "
            f"learning rate {cfg.probe_learning_rate:g}), the rest fine-tuned all weights at {cfg.learning_rate:g}.")


def _offsets_line(priors: dict | None) -> str:
    if not priors:
        return ""
    offsets = ", ".join(f"{label} {value:+.2f}" for label, value in priors["offsets"].items())
    return (f"Label-prior correction: logit offsets {offsets}, searched on {_files(priors['file'])} for its macro-F1 "
            f"({priors['macro_f1_before']:.3f} before, {priors['macro_f1_after']:.3f} after) and added to the "
            f"classifier bias.\n")


def _distill_line(record: dict | None) -> str:
    if not record:
        return ""
    return (f"Distilled from `{record['teacher']}` ({record['backend']} probabilities): "
            f"{record['transfer_sentences']:,} unlabelled transfer sentences plus the gold training set; loss "
            f"{record['alpha']} x KL at temperature {record['temperature']} + {1 - record['alpha']:.2g} x gold "
            f"cross-entropy.\n")


def _calibration_line(calibration: dict | None) -> str:
    if not calibration:
        return "Probabilities are the fine-tuned model's own (no temperature scaling).\n"
    return (f"Probabilities are temperature-scaled: T = {calibration['temperature']:.3f}, fitted on dev and folded into "
            f"the classifier layer (dev ECE {calibration['dev_ece_before']:.3f} before, "
            f"{calibration['dev_ece_after']:.3f} after; labels unchanged).\n")


def _files(value: str | list[str]) -> str:
    """One file or several, as Markdown code spans."""
    return " + ".join(f"`{v}`" for v in (value if isinstance(value, list) else [value]))
