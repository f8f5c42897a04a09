"""From a request document to model inputs and back: segmentation, the character cap, the per-label summary."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..segment import segment
from .schemas import ClassifyRequest, DocumentResult, SentenceResult, Summary


@dataclass(frozen=True)
class Prepared:
    """A document ready for the model: its sentences with offsets and what is actually sent (capped) to the model."""

    texts: list[str]
    offsets: list[tuple[int, int]]
    inputs: list[str]
    truncated: list[bool]


def prepare(doc: ClassifyRequest, max_chars: int) -> Prepared:
    if doc.text is not None:
        spans = segment(doc.text)
        texts = [s.text for s in spans]
        offsets = [(s.start, s.end) for s in spans]
    else:
        texts = list(doc.sentences)
        offsets = [(0, len(t)) for t in texts]
    return Prepared(texts, offsets, [t[:max_chars] for t in texts], [len(t) > max_chars for t in texts])


def build_result(prepared: Prepared, probs: np.ndarray, labels: list[str], max_chars: int) -> DocumentResult:
    sentences = []
    for text, (start, end), cut, row in zip(prepared.texts, prepared.offsets, prepared.truncated, probs):
        best = int(row.argmax())
        sentences.append(SentenceResult(text=text, start=start, end=end, label=labels[best], score=float(row[best]),
                                        probs={label: float(p) for label, p in zip(labels, row)}, truncated=cut))
    warnings = []
    n_cut = sum(prepared.truncated)
    if n_cut:
        warnings.append(f"{n_cut} sentence(s) longer than {max_chars} characters were classified on their "
                        f"first {max_chars} characters (see 'truncated')")
    return DocumentResult(sentences=sentences, summary=summarize([s.label for s in sentences], labels),
                          warnings=warnings)


def summarize(predicted: list[str], labels: list[str]) -> Summary:
    counts = {label: predicted.count(label) for label in labels}
    total = len(predicted)
    shares = {label: (counts[label] / total if total else 0.0) for label in labels}
    # ties go to the label listed first, so the same input always gives the same answer
    dominant = max(labels, key=lambda label: (counts[label], -labels.index(label))) if total else None
    return Summary(sentences=total, counts=counts, shares=shares, dominant=dominant)
