"""Models on the labelled real-news test split: macro-F1 and accuracy with 95% bootstrap intervals,
per-label F1 by outlet group, and the written test split beside them.

    .venv/bin/python benchmarks/realnews.py --model default=models/default --model fast=models/fast \\
        --ensemble default+fast=models/default,models/fast --tfidf tfidf=configs/default.yaml \\
        [--test data/realnews/test.jsonl] [--written data/framing/test.jsonl] [--json out.json]

Intervals resample whole articles (1,000 draws, seeded): sentences of one article are not independent,
so this is wider than a per-sentence bootstrap. `--ensemble` averages the members' probabilities.
`--tfidf` fits the TF-IDF baseline on that config's train and dev files.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from framing.config import load_config  # noqa: E402
from framing.data import read_examples  # noqa: E402
from framing.predict import FramingClassifier  # noqa: E402
from tfidf_baseline import fit_tfidf  # noqa: E402

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]


def load_rows(path: str) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def article_bootstrap(gold: np.ndarray, pred: np.ndarray, articles: list[str], draws: int = 1000,
                      seed: int = 0) -> dict:
    """Macro-F1 and accuracy with 2.5/97.5 percentiles over article resamples."""
    rng = np.random.default_rng(seed)
    names = sorted(set(articles))
    index = {a: np.flatnonzero(np.array(articles) == a) for a in names}
    f1s, accs = [], []
    for _ in range(draws):
        rows = np.concatenate([index[names[i]] for i in rng.integers(0, len(names), len(names))])
        f1s.append(f1_score(gold[rows], pred[rows], average="macro", labels=range(len(LABELS)), zero_division=0))
        accs.append(accuracy_score(gold[rows], pred[rows]))
    return {"macro_f1": float(f1_score(gold, pred, average="macro", labels=range(len(LABELS)), zero_division=0)),
            "macro_f1_ci": [float(np.percentile(f1s, 2.5)), float(np.percentile(f1s, 97.5))],
            "accuracy": float(accuracy_score(gold, pred)),
            "accuracy_ci": [float(np.percentile(accs, 2.5)), float(np.percentile(accs, 97.5))]}


def per_group(gold: np.ndarray, pred: np.ndarray, groups: list[str]) -> dict:
    out = {}
    for name in sorted(set(groups)):
        rows = np.array([g == name for g in groups])
        f1 = f1_score(gold[rows], pred[rows], average=None, labels=range(len(LABELS)), zero_division=0)
        out[name] = {"sentences": int(rows.sum()), "macro_f1": float(f1.mean()),
                     **{label: float(v) for label, v in zip(LABELS, f1)}}
    return out


def predictors(args) -> dict:
    """name -> function(list of texts) -> probabilities, in LABELS order."""
    out = {}
    for spec in args.model:
        name, path = spec.split("=", 1)
        out[name] = _torch(path)
    for spec in args.ensemble:
        name, paths = spec.split("=", 1)
        members = [_torch(p) for p in paths.split(",")]
        out[name] = lambda texts, members=members: np.mean([m(texts) for m in members], axis=0)
    for spec in args.tfidf:
        name, config = spec.split("=", 1)
        cfg = load_config(config)
        model, _ = fit_tfidf(read_examples(cfg.train_file, LABELS), read_examples(cfg.dev_file, LABELS), LABELS)
        out[name] = model.predict_proba
    return out


def _torch(path: str):
    clf = FramingClassifier.from_pretrained(path, batch_size=64)
    order = [clf.labels.index(label) for label in LABELS]
    return lambda texts: clf.predict_proba(texts)[:, order]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], help="NAME=MODEL_FOLDER")
    parser.add_argument("--ensemble", action="append", default=[], help="NAME=FOLDER,FOLDER")
    parser.add_argument("--tfidf", action="append", default=[], help="NAME=CONFIG")
    parser.add_argument("--test", default="data/realnews/test.jsonl")
    parser.add_argument("--written", default="data/framing/test.jsonl")
    parser.add_argument("--json", default=None, help="write all figures here")
    args = parser.parse_args()
    real, written = load_rows(args.test), load_rows(args.written)
    gold = np.array([LABELS.index(r["label"]) for r in real])
    written_gold = np.array([LABELS.index(r["label"]) for r in written])
    results = {}
    print(f"real news ({args.test}): {len(real)} sentences, {len({r['article'] for r in real})} articles; "
          f"written ({args.written}): {len(written)} sentences")
    print("| model | real macro-F1 [95% CI] | real accuracy [95% CI] | state-aligned F1 | other F1 | written macro-F1 |")
    print("|---|---|---|---|---|---|")
    for name, fn in predictors(args).items():
        pred = fn([r["text"] for r in real]).argmax(1)
        boot = article_bootstrap(gold, pred, [r["article"] for r in real])
        groups = per_group(gold, pred, [r["outlet_group"] for r in real])
        written_f1 = float(f1_score(written_gold, fn([r["text"] for r in written]).argmax(1), average="macro"))
        results[name] = {"real": boot, "groups": groups, "written_macro_f1": written_f1}
        lo, hi = boot["macro_f1_ci"]
        alo, ahi = boot["accuracy_ci"]
        print(f"| {name} | {boot['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] | {boot['accuracy']:.3f} [{alo:.3f}, {ahi:.3f}] | "
              f"{groups.get('state-aligned', {}).get('macro_f1', float('nan')):.3f} | "
              f"{groups.get('other', {}).get('macro_f1', float('nan')):.3f} | {written_f1:.3f} |")
    print("\nper-label F1 by outlet group")
    print("| model | group | n | " + " | ".join(LABELS) + " |")
    print("|---|---|---|" + "---|" * len(LABELS))
    for name, r in results.items():
        for group, g in r["groups"].items():
            print(f"| {name} | {group} | {g['sentences']} | " + " | ".join(f"{g[x]:.3f}" for x in LABELS) + " |")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
