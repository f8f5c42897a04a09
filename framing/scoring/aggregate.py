"""Per-sentence records, per-article summaries and corpus totals of a scoring run."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..segment import Span
from .reading import Article

UNCERTAIN = "uncertain"
DECIMALS = 6


def sentence_record(article_id: str, index: int, span: Span, row: np.ndarray, labels: list[str],
                    min_confidence: float, targets: list | None = None) -> dict:
    """One row of sentences.jsonl. Under `min_confidence` the label is "uncertain"; `top_label` keeps the
    model's choice and `probs` every probability either way. With a stance model, `targets` lists the actors
    the sentence names (framing.stance.Target) and the sentence's stance toward each, offsets into the article."""
    best = int(row.argmax())
    score = float(row[best])
    record = {
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
    if targets is not None:
        record["targets"] = [{"actor": t.actor, "type": t.type, "mention": t.mention, "start": t.start, "end": t.end,
                              "stance": t.stance, "score": round(t.score, DECIMALS)} for t in targets]
    return record


def add_stance(counts: dict[str, dict[str, int]], targets: list[dict]) -> None:
    """Count each target's stance under its actor: {actor: {negative, neutral, positive}}."""
    for t in targets:
        row = counts.setdefault(t["actor"], {"negative": 0, "neutral": 0, "positive": 0})
        row[t["stance"]] += 1


class ArticleSummary:
    """Accumulates an article's sentence records into one row of articles.jsonl."""

    def __init__(self, article: Article, labels: list[str], group: str | None = None, stance: bool = False):
        self.article = article
        self.group = group
        self.actors: dict[str, dict[str, int]] | None = {} if stance else None
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
        if self.actors is not None:
            add_stance(self.actors, record.get("targets", []))
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
        row = {
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
        if self.group is not None:
            row["group"] = self.group
        if self.actors is not None:
            row["actors"] = dict(sorted(self.actors.items()))
        return row


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
    stance: bool = False  # articles carry actor counts
    actors: dict[str, dict[str, int]] = field(default_factory=dict)  # {actor: {stance: n}} over the corpus
    groups: dict[str, "GroupTotals"] = field(default_factory=dict)  # by the article's `group` (--group-by)

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
        if "actors" in row:
            self.stance = True
            _merge(self.actors, row["actors"])
        if row.get("group") is not None:
            self.groups.setdefault(row["group"], GroupTotals()).add(row)

    def add_error(self, row: dict) -> None:
        self.errors[row["reason"]] = self.errors.get(row["reason"], 0) + 1

    @property
    def mean_confidence(self) -> float | None:
        return self.score_sum / self.sentences if self.sentences else None

    def shares(self) -> dict[str, float]:
        return {k: (v / self.sentences if self.sentences else 0.0) for k, v in self.counts.items()}


def _merge(into: dict[str, dict[str, int]], counts: dict[str, dict[str, int]]) -> None:
    for actor, stances in counts.items():
        row = into.setdefault(actor, {"negative": 0, "neutral": 0, "positive": 0})
        for stance, n in stances.items():
            row[stance] = row.get(stance, 0) + n


@dataclass
class GroupTotals:
    """One group's articles, sentences, label counts and actor stance counts."""

    articles: int = 0
    sentences: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    actors: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, row: dict) -> None:
        self.articles += 1
        self.sentences += row["sentences"]
        for label, n in row["counts"].items():
            self.counts[label] = self.counts.get(label, 0) + n
        _merge(self.actors, row.get("actors", {}))

    def shares(self) -> dict[str, float]:
        return {k: (v / self.sentences if self.sentences else 0.0) for k, v in self.counts.items()}
