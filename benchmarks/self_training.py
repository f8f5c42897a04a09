"""Self-training recipe: a model's confident predictions on unlabelled real articles as extra training data.

    .venv/bin/python benchmarks/self_training.py --model runs/r-mixed --articles 100 --min-score 0.9 \\
        --out runs/pseudo/train.jsonl
    .venv/bin/python train.py --config configs/default.yaml \\
        --train-file data/framing/train.jsonl,data/realnews/train.jsonl,runs/pseudo/train.jsonl --output-dir runs/r-self

The articles come from ../shared/real-news, drawn with the same outlet quotas as the labelled corpus and
never one of its 127 articles (so never a real-news dev or test article). The predictions are a training
signal, not annotations: the file goes to runs/, each row marked `"labels": "pseudo"`.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from common import ROOT

sys.path.insert(0, str(ROOT / "data" / "realnews"))
from choose import QUOTA, SOURCE, article_text  # noqa: E402
from outlets import normalise  # noqa: E402

from framing.predict import FramingClassifier  # noqa: E402


def unlabelled_articles(n: int, seed: int) -> list[dict]:
    labelled = {json.loads(line)["article"]
                for line in (ROOT / "data" / "annotation" / "realnews" / "articles.jsonl").open(encoding="utf-8")}
    pool = [a for a in map(json.loads, SOURCE.open(encoding="utf-8"))
            if a["id"] not in labelled and normalise(a["outlet"]) in QUOTA]
    weights = [QUOTA[normalise(a["outlet"])] / sum(1 for b in pool if b["outlet"] == a["outlet"]) for a in pool]
    rng = random.Random(seed)
    chosen = []
    while len(chosen) < n:
        article = rng.choices(pool, weights)[0]
        if article not in chosen:
            chosen.append(article)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--min-score", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "pseudo" / "train.jsonl")
    args = parser.parse_args()
    clf = FramingClassifier.from_pretrained(args.model, batch_size=64)
    rows, seen = [], 0
    for article in unlabelled_articles(args.articles, args.seed):
        for number, result in enumerate(clf.predict(article_text(article)), 1):
            seen += 1
            if result.score >= args.min_score:
                rows.append({"id": f"{article['id']}#{number}", "text": result.text, "label": result.label,
                             "article": article["id"], "outlet": normalise(article["outlet"]),
                             "licence": article["licence"], "labels": "pseudo"})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts = {label: sum(r["label"] == label for r in rows) for label in clf.labels}
    print(f"{args.articles} articles, {seen} sentences, {len(rows)} kept at score >= {args.min_score}: {counts}")


if __name__ == "__main__":
    main()
