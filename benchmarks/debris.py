"""Debris share of real articles before and after framing/debris.py, on a labelled sample.

    .venv/bin/python benchmarks/debris.py

The sample (data/annotation/realnews/debris-sample.jsonl, 50 real articles not in the labelled corpus)
holds the segments that the segmenter before the fix (commit ed6e56b) made. Two annotators marked each
segment `sentence`, `debris` or `mixed` (passes in data/annotation/realnews/debris-passes/); a segment is
debris here when both said so. Today's segmenter runs on the same texts; each of its segments takes the
mark of the old segment it overlaps most. Reported: debris share before and after, debris segments
removed, and sentences lost (a sentence segment with no overlap with any new segment).
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "data" / "realnews"))
from choose import source_texts  # noqa: E402
from sklearn.metrics import cohen_kappa_score  # noqa: E402

from framing.segment import segment  # noqa: E402

ANNOTATION = ROOT / "data" / "annotation" / "realnews"


def marks(name: str) -> dict[str, str]:
    lines = (ANNOTATION / "debris-passes" / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines if line.strip())


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def main() -> None:
    rows = [json.loads(line) for line in (ANNOTATION / "debris-sample.jsonl").open(encoding="utf-8")]
    first, second = marks("a"), marks("b")
    ids = [f"{r['article']}#{i}" for r in rows for i in range(1, len(r["spans"]) + 1)]
    a, b = [first[i] for i in ids], [second[i] for i in ids]
    texts = source_texts({r["article"] for r in rows})
    before, after, lost, by_dataset = Counter(), Counter(), [], {}
    for row in rows:
        old = [(tuple(span), "debris" if first[f"{row['article']}#{i}"] == second[f"{row['article']}#{i}"] == "debris"
                else "sentence") for i, span in enumerate(row["spans"], 1)]
        new = [(s.start, s.end) for s in segment(texts[row["article"]])]
        counts = by_dataset.setdefault(row["dataset"], Counter())
        for span, mark in old:
            before[mark] += 1
            counts[f"before_{mark}"] += 1
            if mark == "sentence" and not any(overlap(span, n) for n in new):
                lost.append(texts[row["article"]][span[0]:span[1]])
        for n in new:
            mark = max(old, key=lambda o: overlap(o[0], n))[1]
            after[mark] += 1
            counts[f"after_{mark}"] += 1
    share = lambda c: c["debris"] / max(sum(c.values()), 1)  # noqa: E731
    print(f"two passes on {len(ids)} segments: raw agreement {sum(x == y for x, y in zip(a, b)) / len(ids):.3f}, "
          f"kappa {cohen_kappa_score(a, b):.3f}; marks a {dict(Counter(a))}, b {dict(Counter(b))}")
    print(f"before: {sum(before.values())} segments, {before['debris']} debris ({share(before):.1%})")
    print(f"after:  {sum(after.values())} segments, {after['debris']} debris ({share(after):.1%})")
    print(f"sentence segments lost by the new segmenter: {len(lost)}")
    for text in lost:
        print("   lost:", text[:120])
    for dataset, c in sorted(by_dataset.items()):
        print(f"  {dataset}: before {c['before_debris']}/{c['before_debris'] + c['before_sentence']}, "
              f"after {c['after_debris']}/{c['after_debris'] + c['after_sentence']}")


if __name__ == "__main__":
    main()
