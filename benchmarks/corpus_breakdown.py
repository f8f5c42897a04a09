"""Test-split figures broken down the ways that matter for trusting them.

    .venv/bin/python benchmarks/corpus_breakdown.py [--model models/default] [--split test]

Macro-F1 and accuracy on the whole split, on topics the model never saw in training versus topics
it did, on the guide's hard cases versus plain sentences, on article sentences versus stand-alone
ones, and on the demo articles' gold labels.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from framing.evaluation import compute_metrics  # noqa: E402
from framing.predict import FramingClassifier  # noqa: E402


def load(split: str) -> list[dict]:
    path = ROOT / "data" / "framing" / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--split", default="test")
    parser.add_argument("--backend", default="torch")
    args = parser.parse_args()
    clf = FramingClassifier.from_pretrained(args.model, backend=args.backend)
    rows = load(args.split)
    seen_topics = {r["topic"] for r in load("train")}
    probs = clf.predict_proba([r["text"] for r in rows])
    gold = np.array([clf.labels.index(r["label"]) for r in rows])
    groups = {
        "all": [True] * len(rows),
        "topics unseen in train": [r["topic"] not in seen_topics for r in rows],
        "topics seen in train": [r["topic"] in seen_topics for r in rows],
        "hard cases": [r.get("hard", "none") != "none" for r in rows],
        "plain sentences": [r.get("hard", "none") == "none" for r in rows],
        "in articles": [bool(r.get("article")) for r in rows],
        "stand-alone": [not r.get("article") for r in rows],
    }
    print(f"{args.split} split, model {Path(args.model).name} ({args.backend})")
    print(f"{'subset':<26}{'n':>6}{'macro-F1':>10}{'accuracy':>10}")
    for name, mask in groups.items():
        mask = np.array(mask)
        if mask.any():
            m = compute_metrics(probs[mask], gold[mask], clf.labels)
            print(f"{name:<26}{m['n']:>6}{m['macro_f1']:>10.3f}{m['accuracy']:>10.3f}")
    # demo articles: segment the rebuilt text as a user would, compare with gold where sentences match
    hits = total = 0
    for gold_file in sorted((ROOT / "data" / "articles").glob("*.gold.json")):
        doc = json.loads(gold_file.read_text(encoding="utf-8"))
        text = gold_file.with_name(doc["article"] + ".txt").read_text(encoding="utf-8")
        predicted = {r.text: r.label for r in clf.predict(text)}
        for s in doc["sentences"]:
            total += 1
            hits += predicted.get(s["text"]) == s["label"]
    print(f"\ndemo articles (segmented from raw text): {hits}/{total} sentences match gold ({hits / max(total, 1):.1%})")


if __name__ == "__main__":
    main()
