"""Per-sentence records, per-article summaries and corpus totals of a scoring run."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..segment import Span
from .reading import Article

UNCERTAIN = "uncertain"
DECIMALS = 6


def sentence_record(article_id: str, index: int, span: Span, row: np.ndarray, labels: list[str],
                    min_confidence: float) -> dict:
    """One row of sentences.jsonl. Under `min_confidence` the label is "uncertain"; `top_label` keeps the
    model's choice and `probs` every probability either way."""
    best = int(row.argmax())
    score = float(row[best])
    return {
        "article": article_id,
        "sentence": index,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "label": labels[best] if score >= min_confidence else UNCERTAIN,
        "score": round(score, DECIMALS),
        "top_label": labels[best],
        "probs": {label: round(float(p), DECIMALS) for label, p in zip(labels, row)},
    }


class ArticleSummary:
    """Accumulates an article's sentence records into one row of articles.jsonl."""

    def __init__(self, article: Article, labels: list[str]):
        self.article = article
        self.labels = list(labels)
        self.counts = dict.fromkeys([*self.labels, UNCERTAIN], 0)
        self.mass = dict.fromkeys(self.labels, 0.0)
        self.best: dict[str, dict | None] = dict.fromkeys(self.labels, None)
        self.n = 0
        self.score_sum = 0.0

    def add(self, record: dict) -> None:
        self.n += 1
        self.score_sum += record["score"]
        label = record["label"]
        self.counts[label] += 1
        for name, p in record["probs"].items():
            self.mass[name] += p
        if label != UNCERTAIN:
            current = self.best[label]
            if current is None or record["score"] > current["score"]:
                self.best[label] = {"sentence": record["sentence"], "text": record["text"], "score": record["score"]}

    def dominant(self) -> str:
        """The most frequent confident label; ties go to the larger probability mass, then label order."""
        confident = [label for label in self.labels if self.counts[label] > 0]
        if not confident:
            return UNCERTAIN
        return max(confident, key=lambda x: (self.counts[x], self.mass[x], -self.labels.index(x)))

    def to_dict(self) -> dict:
        a = self.article
        return {
            "article": a.id,
            "file": a.file,
            "line": a.line,
            "item": a.item,
            "title": a.title,
            "date": a.date,
            "outlet": a.outlet,
            "format": a.format,
            "encoding": a.encoding,
            "sentences": self.n,
            "counts": dict(self.counts),
            "shares": {k: round(v / self.n, DECIMALS) if self.n else 0.0 for k, v in self.counts.items()},
            "dominant": self.dominant(),
            "mean_confidence": round(self.score_sum / self.n, DECIMALS) if self.n else None,
            "top_sentences": dict(self.best),
        }


@dataclass
class CorpusTotals:
    """Corpus-wide figures for the report, built from article rows one at a time."""

    labels: list[str]
    articles: int = 0
    sentences: int = 0
    score_sum: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    dominant: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        keys = [*self.labels, UNCERTAIN]
        self.counts = {k: self.counts.get(k, 0) for k in keys}
        self.dominant = {k: self.dominant.get(k, 0) for k in keys}

    def add_article(self, row: dict) -> None:
        self.articles += 1
        self.sentences += row["sentences"]
        self.score_sum += (row["mean_confidence"] or 0.0) * row["sentences"]
        for label, n in row["counts"].items():
            self.counts[label] = self.counts.get(label, 0) + n
        self.dominant[row["dominant"]] = self.dominant.get(row["dominant"], 0) + 1

    def add_error(self, row: dict) -> None:
        self.errors[row["reason"]] = self.errors.get(row["reason"], 0) + 1

    @property
    def mean_confidence(self) -> float | None:
        return self.score_sum / self.sentences if self.sentences else None

    def shares(self) -> dict[str, float]:
        return {k: (v / self.sentences if self.sentences else 0.0) for k, v in self.counts.items()}
