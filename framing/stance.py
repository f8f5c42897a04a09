"""Stance toward named actors: find the actors a sentence names, then score (sentence, mention) pairs.

A stance model is a plain sequence-pair classifier (labels negative / neutral / positive) trained by `train.py` on
rows with `text_pair` (configs/stance.yaml); `transformers.pipeline("text-classification")` runs it on
`{"text": sentence, "text_pair": mention}`. `StanceClassifier` adds the actor list: each actor a sentence names is
scored once, on its first mention, and reported under its canonical name.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .actors import Actor, ActorMatcher, Mention, first_mentions, load_actors
from .predict import FramingClassifier
from .segment import segment

log = logging.getLogger(__name__)

STANCES = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Target:
    """One actor a sentence names, and the sentence's stance toward it. Offsets are those of the text given
    (the article for an article, the sentence for a list of sentences)."""

    actor: str
    type: str
    mention: str
    start: int
    end: int
    stance: str
    score: float
    probs: dict[str, float]

    def to_dict(self) -> dict:
        return asdict(self)


def stance_labels(labels: Sequence[str]) -> None:
    """A stance model's labels must be the three stances (any order)."""
    if sorted(labels) != sorted(STANCES):
        raise ValueError(f"not a stance model: its labels are {list(labels)}, expected {', '.join(STANCES)}")


class StanceClassifier:
    """Shaped like `FramingClassifier`: `predict(text)` gives one list of `Target`s per sentence."""

    def __init__(self, classifier: FramingClassifier, matcher: ActorMatcher | None = None):
        stance_labels(classifier.labels)
        self.classifier = classifier
        self.matcher = matcher or ActorMatcher(load_actors())
        self.name = classifier.name

    @classmethod
    def from_pretrained(cls, path: str | Path, backend: str = "torch", actors: str | Path | None = None,
                        device: str | None = None, batch_size: int = 32) -> "StanceClassifier":
        classifier = FramingClassifier.from_pretrained(path, backend=backend, device=device, batch_size=batch_size)
        return cls(classifier, ActorMatcher.load(actors))

    @property
    def backend(self):
        return self.classifier.backend

    def mentions(self, sentence: str, only: frozenset[str] | None = None) -> list[Mention]:
        """The first mention of each actor the sentence names (of `only`, when given)."""
        found = first_mentions(self.matcher.find(sentence))
        return [m for m in found if only is None or m.actor in only]

    def targets(self, sentences: Sequence[str], offsets: Sequence[int] | None = None,
                actors: Iterable[str] | None = None) -> list[list[Target]]:
        """Targets of each sentence, all pairs scored in one batched pass. `offsets[i]` is added to sentence i's
        mention offsets (a sentence's start in its article); `actors` keeps only those canonical names."""
        only = self._only(actors)
        found = [self.mentions(s, only) for s in sentences]
        pairs = [(s, m) for s, ms in zip(sentences, found) for m in ms]
        probs = self.classifier.predict_proba([s for s, _ in pairs], [m.mention for _, m in pairs]) if pairs else []
        labels, out, row = self.classifier.labels, [], 0
        for i, ms in enumerate(found):
            shift = offsets[i] if offsets is not None else 0
            items = []
            for m in ms:
                p = probs[row]
                row += 1
                best = int(p.argmax())
                items.append(Target(actor=m.actor, type=m.type, mention=m.mention, start=m.start + shift,
                                    end=m.end + shift, stance=labels[best], score=float(p[best]),
                                    probs={x: float(v) for x, v in zip(labels, p)}))
            out.append(items)
        return out

    def predict(self, text: str | Sequence[str], actors: Iterable[str] | None = None) -> list[list[Target]]:
        """A string is an article (segmented as `FramingClassifier.predict` segments it, offsets into the
        article); a list is one sentence per item."""
        if isinstance(text, str):
            spans = segment(text)
            return self.targets([s.text for s in spans], [s.start for s in spans], actors)
        return self.targets([str(t) for t in text], None, actors)

    def _only(self, actors: Iterable[str] | None) -> frozenset[str] | None:
        if actors is None:
            return None
        only = frozenset(actors)
        unknown = sorted(only - {a.name for a in self.matcher.actors})
        if unknown:
            raise ValueError(f"actors: not in the actor list: {', '.join(unknown)} (names are canonical names)")
        return only


def never_mentioned(actors: Iterable[Actor], counts: dict[str, object]) -> list[str]:
    """The actors of a list that no scored sentence named."""
    return [a.name for a in actors if a.name not in counts]


@functools.lru_cache(maxsize=4)
def cached(path: str, backend: str, actors: str | None) -> StanceClassifier:
    return StanceClassifier.from_pretrained(path, backend=backend, actors=actors)
