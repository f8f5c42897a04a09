"""The transfer set: sentences of unlabelled articles, for the teacher to label and the student to learn from.

Articles are read as `framing score` reads them (folders of .txt/.md/.html, JSON, JSON Lines with a `text` field)
and segmented as scoring segments them (page debris dropped). Held-out data stays out: every sentence that also
appears in an `exclude` file (a labelled dev or test split) is dropped, and so is every article that shares
EXCLUDE_ARTICLE_SHARE of its sentences with them: the same story reprinted by another outlet.
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Iterator

import numpy as np

from ..data import read_examples
from ..scoring.discovery import Entry, walk
from ..scoring.reading import Article, Problem, SourceFile
from ..segment import segment

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 2**20
EXCLUDE_ARTICLE_SHARE = 0.2   # an article with this share of its sentences in a held-out file is a reprint
MIN_WORDS = 3                 # shorter segments ("Watch:", "1.") teach the student nothing


def normalise(text: str) -> str:
    """Lower case, letters and digits only: the same sentence from two sources compares equal."""
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def read_articles(paths: list[str | Path]) -> Iterator[Article]:
    """Articles from files and folders, in sorted order; unreadable files and records are logged as file:line."""
    for path in map(Path, paths):
        if path.is_dir():
            entries = walk(path)
        elif path.is_file():
            entries = [Entry(str(path), path)]
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
        for entry in entries:
            for item in SourceFile(entry, MAX_BYTES).records():
                if isinstance(item, Problem):
                    log.warning("%s: skipped (%s)", item, item.reason)
                else:
                    yield item


def _article_text(article: Article) -> str:
    title = (article.title or "").strip()
    body = article.text.strip()
    if not title or body.startswith(title):
        return body
    return f"{title}\n\n{body}"


def held_out_sentences(files: list[str | Path]) -> set[str]:
    """Normalised texts of every sentence in the held-out labelled files."""
    return {normalise(e.text) for e in read_examples([str(f) for f in files])} if files else set()


def transfer_sentences(paths: list[str | Path], exclude: list[str | Path] = (),
                       seed: int = 42) -> tuple[list[dict], dict]:
    """Every unique sentence of the articles, each {text, article, outlet}, in a seeded random order (the
    transfer pool), and counts. A transfer set of N sentences is the pool's first N, so a smaller set is part
    of a larger one and one teacher cache serves both."""
    held = held_out_sentences(list(exclude))
    seen: set[str] = set()
    rows: list[dict] = []
    counts = Counter()
    for article in read_articles(paths):
        counts["articles"] += 1
        spans = [s.text for s in segment(_article_text(article)) if len(s.text.split()) >= MIN_WORDS]
        keys = [normalise(t) for t in spans]
        shared = sum(k in held for k in keys)
        if spans and shared >= max(1, EXCLUDE_ARTICLE_SHARE * len(spans)):
            counts["articles_excluded"] += 1
            continue
        for text, key in zip(spans, keys):
            if key in held:
                counts["sentences_held_out"] += 1
            elif key in seen:
                counts["sentences_repeated"] += 1
            else:
                seen.add(key)
                rows.append({"text": text, "article": article.id, "outlet": article.outlet})
    counts["sentences"] = len(rows)
    order = np.random.default_rng(seed).permutation(len(rows))
    log.info("transfer pool: %s", dict(counts))
    return [rows[i] for i in order], dict(counts)


def digest(rows: list[dict]) -> str:
    """A short hash of the sentence texts, in order: a cache built for other sentences is never reused."""
    h = hashlib.blake2b(digest_size=12)
    for row in rows:
        h.update(row["text"].encode("utf-8") + b"\0")
    return h.hexdigest()
