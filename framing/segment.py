"""Split article text into sentences with character offsets into the original string.

syntok does the sentence splitting (it splits inside quotations and knows abbreviations);
this module adds what news text needs on top: every line is its own block (headlines have no
final period), scraper debris is cut out (`debris.py`), and a dateline ("MOSCOW, August 22. /TASS/.")
stays with the sentence it opens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import syntok.segmenter as syntok

from .debris import content_ranges, is_debris


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


# A dateline on its own: "MOSCOW, August 22.", "/TASS/.", "GENEVA (wire) —", "KYIV, 3 March 2022 -",
# "RABAT, April 7 /Maghreb Dispatch/.".
DATELINE = re.compile(
    r"""^(?:
        [A-Z][A-Z.'’ -]{1,40}(?:,\ [A-Z][A-Za-z0-9.' ]{1,30})?(?:,\ [^.!?]{1,25})?\.? |   # CITY[, Country][, date].
        [A-Z][A-Z.'’ -]{1,40}(?:,\ [A-Z][a-z]{2,}\.?(?:\ (?:[A-Z][a-z]+\.?|\d{1,4}))*)?     # CITY[, Month 7 | Country]
            (?:,\ [A-Z]?[a-z]*\.?\ ?\d[\d ,A-Za-z.]{0,20})?                                  # [, date]
            \s*(?:/[^/\s][^/]{0,30}/|\([^)]{1,30}\))\.? |                                   # /Agency/. | (Agency).
        /[^/\s][^/]{0,30}/\.? |                                                    # /TASS/.
        \([^)]{1,30}\)\.?                                                          # (Xinhua).
    )\s*[—–-]?$""",
    re.VERBOSE,
)

CONTINUATION = set("—–-,;:)]")
# Titles before a name that syntok takes for a sentence end ("But Rep." | "Mike Pompeo said ...").
TITLE_END = re.compile(r"(?:^|\s)(?:Rep|Reps|Sen|Sens|Gov|Lt|Gen|Col|Maj|Capt|Sgt|Cpl|Adm|Cmdr|Brig|Amb|Pres|Prof|Rev|"
                       r"Dr|Mr|Mrs|Ms|Sr|Jr|St|Hon|Atty|Supt|Insp)\.$")
_LINE = re.compile(r"[^\n]+")


def _syntok_spans(block: str, offset: int) -> list[Span]:
    spans = []
    for paragraph in syntok.analyze(block):
        for sentence in paragraph:
            tokens = list(sentence)
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            spans.append(Span(block[start:end], offset + start, offset + end))
    return spans


def _merge(text: str, first: Span, second: Span) -> Span:
    return Span(text[first.start:second.end], first.start, second.end)


def segment(text: str) -> list[Span]:
    """Sentences of `text`, in order, with `text[s.start:s.end] == s.text`; boilerplate dropped."""
    if not text or not text.strip():
        return []
    result: list[Span] = []
    for line in _LINE.finditer(text):
        for start, end in content_ranges(line.group()):
            block = line.group()[start:end]
            if block.strip():
                result.extend(s for s in _block_sentences(text, block, line.start() + start)
                              if not is_debris(s.text))
    return result


def _block_sentences(text: str, block: str, offset: int) -> list[Span]:
    """Sentences of one block of text; datelines and lower-case tails join their neighbours."""
    spans = _syntok_spans(block, offset)
    merged: list[Span] = []
    pending: Span | None = None
    for span in spans:
        is_dateline = DATELINE.match(span.text) is not None and not _is_last(span, spans)
        if pending is not None:
            span = _merge(text, pending, span)
            pending = None
        if is_dateline:
            pending = span
            continue
        # A tail that starts in lower case ('... win!" he said.') or with a dash belongs to the
        # sentence before it, and so does the name after a title ("Rep." | "Mike Pompeo said").
        if merged and (span.text[:1].islower() or span.text[:1] in CONTINUATION or TITLE_END.search(merged[-1].text)):
            merged[-1] = _merge(text, merged[-1], span)
            continue
        merged.append(span)
    if pending is not None:
        merged.append(pending)
    return merged


def _is_last(span: Span, spans: list[Span]) -> bool:
    return span.end >= spans[-1].end
