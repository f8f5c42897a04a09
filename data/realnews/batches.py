"""Write the annotators' batch files from data/realnews/articles.jsonl.

    python data/realnews/batches.py

Each batch holds whole articles of one split, in a shuffled order, with no outlet, date or split shown:
an annotator sees the guide and the text only. Segment ids are `ARTICLE#N` (N from 1, headline first).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "annotation" / "realnews" / "batches"
PLAN = {"test": ["t1", "t2"], "dev": ["d1", "d2"], "train": ["r1", "r2", "r3", "r4", "r5"]}


def main() -> None:
    rows = [json.loads(line) for line in (HERE.parent / "annotation" / "realnews" / "articles.jsonl").open(encoding="utf-8")]
    rng = random.Random(7)
    OUT.mkdir(parents=True, exist_ok=True)
    for split, names in PLAN.items():
        articles = [r for r in rows if r["split"] == split]
        rng.shuffle(articles)
        total = sum(len(a["sentences"]) for a in articles)
        batches: list[list[dict]] = [[] for _ in names]
        filled = 0
        for article in articles:  # fill batches in turn up to an equal share of sentences
            index = min(int(filled * len(names) / total), len(names) - 1)
            batches[index].append(article)
            filled += len(article["sentences"])
        for name, batch in zip(names, batches):
            lines = []
            for number, article in enumerate(batch, 1):
                lines.append(f"=== ARTICLE {number} ({len(article['sentences'])} segments) ===")
                lines += [f"[{article['article']}#{i}] {s}" for i, s in enumerate(article["sentences"], 1)]
                lines.append("")
            (OUT / f"{name}.txt").write_text("\n".join(lines), encoding="utf-8")
            print(name, len(batch), "articles", sum(len(a["sentences"]) for a in batch), "segments")


if __name__ == "__main__":
    main()
