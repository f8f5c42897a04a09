"""Write the debris sample: real articles as the segmenter before the debris fix split them.

    python data/realnews/debris_sample.py     # writes data/realnews/debris-sample.jsonl and a batch file

The segmenter of commit ed6e56b (before framing/debris.py) is read from git, so that "before" is the
code users had. 50 articles not in the labelled corpus, by dataset: 30 AllSides, 10 Tehran Times,
5 FA-KES, 5 Giveme5W1H (seeded). Annotators mark each segment `sentence` or `debris`;
benchmarks/debris.py then measures the debris share before and after.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from choose import SOURCE, article_text, source_texts  # noqa: E402

BEFORE = "ed6e56b"
PER_DATASET = {"allsides": 30, "tehran-times": 10, "fa-kes": 5, "giveme5w1h": 5}


def old_segmenter():
    source = subprocess.run(["git", "show", f"{BEFORE}:framing/segment.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType("segment_before")
    sys.modules["segment_before"] = module  # dataclasses look their module up
    exec(compile(source, "segment_before.py", "exec"), module.__dict__)
    return module.segment


def main() -> None:
    labelled = {json.loads(line)["article"] for line in (HERE.parent / "annotation" / "realnews" / "articles.jsonl").open(encoding="utf-8")}
    pool: dict[str, list[dict]] = {}
    for line in SOURCE.open(encoding="utf-8"):
        article = json.loads(line)
        if article["id"] not in labelled and article["dataset"] in PER_DATASET:
            pool.setdefault(article["dataset"], []).append(article)
    rng = random.Random(3)
    segment = old_segmenter()
    rows, lines = [], []
    for dataset, n in PER_DATASET.items():
        for article in rng.sample(pool[dataset], n):
            spans = segment(article_text(article))
            rows.append({"article": article["id"], "dataset": dataset, "outlet": article["outlet"],
                         "licence": article["licence"], "spans": [[s.start, s.end] for s in spans]})
    rng.shuffle(rows)
    texts = source_texts({row["article"] for row in rows})
    for number, row in enumerate(rows, 1):
        text = texts[row["article"]]
        lines.append(f"=== ARTICLE {number} ({len(row['spans'])} segments) ===")
        lines += [f"[{row['article']}#{i}] {text[a:b]}" for i, (a, b) in enumerate(row["spans"], 1)]
        lines.append("")
    with (HERE.parent / "annotation" / "realnews" / "debris-sample.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    out = ROOT / "data" / "annotation" / "realnews" / "batches" / "debris.txt"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(len(rows), "articles", sum(len(r["spans"]) for r in rows), "segments")


if __name__ == "__main__":
    main()
