"""Metrics and human-readable reports for a labelled set: used by `framing evaluate` and training."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

log = logging.getLogger(__name__)


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 15) -> float:
    """Confidence-binned ECE: how far the top-label score is from the accuracy it promises."""
    if len(gold) == 0:
        return 0.0
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == gold).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (confidence > lo) & (confidence <= hi)
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)


def compute_metrics(probs: np.ndarray, gold: np.ndarray, labels: list[str]) -> dict:
    """All figures for one labelled set; `gold` holds label indices."""
    pred = probs.argmax(axis=1)
    ids = list(range(len(labels)))
    precision, recall, f1, support = precision_recall_fscore_support(gold, pred, labels=ids, zero_division=0)
    majority = int(np.bincount(gold, minlength=len(labels)).argmax()) if len(gold) else 0
    return {
        "n": int(len(gold)),
        "accuracy": float(accuracy_score(gold, pred)) if len(gold) else 0.0,
        "macro_f1": float(f1_score(gold, pred, labels=ids, average="macro", zero_division=0)),
        "weighted_f1": float(f1_score(gold, pred, labels=ids, average="weighted", zero_division=0)),
        "ece": expected_calibration_error(probs, gold),
        "majority_baseline_macro_f1": float(
            f1_score(gold, np.full_like(gold, majority), labels=ids, average="macro", zero_division=0)),
        "per_label": {
            label: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]), "support": int(support[i])}
            for i, label in enumerate(labels)
        },
        "confusion_matrix": confusion_matrix(gold, pred, labels=ids).tolist(),
        "labels": list(labels),
    }


def format_table(metrics: dict) -> str:
    """Plain-text table for the terminal."""
    labels = metrics["labels"]
    width = max(12, *(len(x) for x in labels))
    lines = [f"{'label':<{width}}  precision  recall     f1  support"]
    for label in labels:
        row = metrics["per_label"][label]
        lines.append(f"{label:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}  {row['f1']:5.3f}  {row['support']:7d}")
    lines.append("")
    lines.append(f"{'macro-F1':<{width}}  {metrics['macro_f1']:.3f}   (majority-class baseline {metrics['majority_baseline_macro_f1']:.3f})")
    lines.append(f"{'accuracy':<{width}}  {metrics['accuracy']:.3f}")
    lines.append(f"{'ECE':<{width}}  {metrics['ece']:.3f}")
    lines.append(f"{'n':<{width}}  {metrics['n']}")
    lines.append("")
    lines.append("confusion matrix (rows: gold, columns: predicted)")
    lines.append(" " * width + "  " + " ".join(f"{x[:8]:>8}" for x in labels))
    for label, row in zip(labels, metrics["confusion_matrix"]):
        lines.append(f"{label:<{width}}  " + " ".join(f"{v:>8d}" for v in row))
    return "\n".join(lines)


def markdown_report(metrics: dict, title: str, errors: list[dict] | None = None) -> str:
    labels = metrics["labels"]
    out = [f"# {title}", "",
           f"- examples: {metrics['n']}",
           f"- macro-F1: **{metrics['macro_f1']:.3f}** (majority-class baseline {metrics['majority_baseline_macro_f1']:.3f})",
           f"- accuracy: {metrics['accuracy']:.3f}",
           f"- weighted F1: {metrics['weighted_f1']:.3f}",
           f"- expected calibration error (15 bins): {metrics['ece']:.3f}", "",
           "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in labels:
        r = metrics["per_label"][label]
        out.append(f"| {label} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['support']} |")
    out += ["", "## Confusion matrix (rows: gold, columns: predicted)", "",
            "| gold \\ predicted | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for label, row in zip(labels, metrics["confusion_matrix"]):
        out.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    out += ["", "![confusion matrix](confusion_matrix.png)", ""]
    if errors:
        out += ["## Most confident mistakes", "", "| text | gold | predicted | score |", "|---|---|---|---|"]
        for e in errors:
            text = e["text"].replace("|", "\\|").replace("\n", " ")
            out.append(f"| {text} | {e['gold']} | {e['pred']} | {e['score']:.2f} |")
        out.append("")
    return "\n".join(out)


def plot_confusion(metrics: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = metrics["labels"]
    matrix = np.array(metrics["confusion_matrix"])
    size = max(4.0, 0.8 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    top = matrix.max() if matrix.size else 0
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > top / 2 else "black")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(metrics: dict, out_dir: Path, title: str, errors: list[dict] | None = None,
                 stem: str = "", with_json: bool = True) -> None:
    """report.md, metrics.json and confusion_matrix.png in out_dir (optionally prefixed, e.g. 'dev_')."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if with_json:
        (out_dir / f"{stem}metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    plot_confusion(metrics, out_dir / f"{stem}confusion_matrix.png", title)
    report = markdown_report(metrics, title, errors).replace("(confusion_matrix.png)", f"({stem}confusion_matrix.png)")
    (out_dir / f"{stem}report.md").write_text(report, encoding="utf-8")


def confident_errors(texts: list[str], probs: np.ndarray, gold: np.ndarray, labels: list[str], k: int = 15) -> list[dict]:
    pred = probs.argmax(axis=1)
    wrong = np.where(pred != gold)[0]
    wrong = wrong[np.argsort(-probs[wrong, pred[wrong]])][:k]
    return [{"text": texts[i], "gold": labels[gold[i]], "pred": labels[pred[i]], "score": float(probs[i, pred[i]])} for i in wrong]
