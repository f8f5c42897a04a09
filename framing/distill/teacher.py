"""The teacher's probabilities on the transfer set, computed once and cached on disk.

The cache folder holds `meta.json` (teacher, backend, its fingerprint, labels, sentence count and digest),
`sentences.jsonl` and one `probs-NNNNN.npy` per chunk of sentences. Each chunk is written to a temporary name and
renamed, so a stopped run resumes at the first missing chunk; a cache made by another teacher or for other
sentences is refused with a message naming it.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from ..fingerprint import model_fingerprint
from .transfer import digest

log = logging.getLogger(__name__)

CHUNK = 2048


class CacheMismatch(ValueError):
    pass


def _meta(teacher: Path, backend: str, rows: list[dict], labels: list[str], fingerprint: str | None) -> dict:
    # the fingerprint is the teacher's weights: the ONNX graphs are made from them, and their settings are recorded
    return {"teacher": str(teacher), "backend": backend, "fingerprint": fingerprint or model_fingerprint(teacher, "torch"),
            "labels": labels, "sentences": len(rows), "digest": digest(rows), "chunk": CHUNK}


def _check(cache: Path, meta: dict) -> None:
    old = json.loads((cache / "meta.json").read_text(encoding="utf-8"))
    for key in ("fingerprint", "labels", "sentences", "digest", "chunk"):
        if old.get(key) != meta[key]:
            raise CacheMismatch(f"{cache / 'meta.json'}: {key}: the cache was made for {old.get(key)!r}, this run "
                                f"needs {meta[key]!r}; use another cache folder or delete this one")


def teacher_probs(teacher: str | Path, rows: list[dict], cache: str | Path, backend: str = "onnx-int8",
                  needed: int | None = None, batch_size: int = 64, progress: bool = True,
                  classifier=None, fingerprint: str | None = None) -> tuple[np.ndarray, list[str]]:
    """Probabilities of `teacher` on the texts of `rows[:needed]` (all rows by default), as (needed × labels),
    and the teacher's labels, from the cache where it has them; the chunks it lacks are computed and written
    first. The cache belongs to the whole of `rows`, so a run needing more of them continues it. A caller with
    several caches passes the loaded `classifier` and the teacher's `fingerprint` so neither is redone."""
    from tqdm.auto import tqdm

    from ..predict import FramingClassifier

    teacher, cache = Path(teacher), Path(cache)
    clf = classifier or FramingClassifier.from_pretrained(teacher, backend=backend, batch_size=batch_size)
    used = getattr(clf.backend, "name", backend)  # the ONNX backends fall back to torch when a file is missing
    meta = _meta(teacher, backend if used.startswith("onnx") else "torch", rows, clf.labels, fingerprint)
    cache.mkdir(parents=True, exist_ok=True)
    if (cache / "meta.json").is_file():
        _check(cache, meta)
    else:
        with (cache / "sentences.jsonl").open("w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (cache / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    needed = len(rows) if needed is None else min(needed, len(rows))
    chunks = range(0, needed, CHUNK)
    missing = [lo for lo in chunks if not (cache / f"probs-{lo // CHUNK:05d}.npy").is_file()]
    if missing:
        log.info("teacher %s (%s): %d of %d chunk(s) to compute", teacher, meta["backend"], len(missing), len(chunks))
    bar = tqdm(total=sum(min(CHUNK, len(rows) - lo) for lo in missing), desc="teacher", unit="sentence",
               disable=not progress or not missing, dynamic_ncols=True)
    for lo in missing:
        texts = [r["text"] for r in rows[lo:lo + CHUNK]]
        probs = clf.predict_proba(texts).astype(np.float32)
        target = cache / f"probs-{lo // CHUNK:05d}.npy"
        partial = target.with_name(target.stem + ".partial.npy")
        np.save(partial, probs)
        partial.replace(target)
        bar.update(len(texts))
    bar.close()
    parts = [np.load(cache / f"probs-{lo // CHUNK:05d}.npy") for lo in chunks]
    probs = np.concatenate(parts) if parts else np.zeros((0, len(clf.labels)), dtype=np.float32)
    return probs[:needed], clf.labels
