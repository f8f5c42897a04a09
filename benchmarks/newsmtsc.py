"""Stance models on NewsMTSC (test-rw, test-mt) beside the paper's Table 2, and on the conflict-actor test set.

    # score trained stance models
    .venv/bin/python benchmarks/newsmtsc.py --model stance=models/stance [--json out.json]
    # train a config once per seed (into runs/newsmtsc/<name>-seed<N>), then score every seed and their mean
    .venv/bin/python benchmarks/newsmtsc.py --train configs/stance.yaml --seeds 1,2,3 [--newsmtsc-only]

F1m is the macro-F1 over negative/neutral/positive, as in the paper. 95% intervals: 1,000 bootstrap draws of whole
articles (NewsMTSC: the AllSides/POLUSA article in each id; conflict set: the real-news article), seeded.
`--newsmtsc-only` trains on the paper's training split alone (the config's other train and dev files dropped), to
compare with the paper on equal data; without it the config's own data is used (configs/stance.yaml adds the
conflict pairs, none of them from a NewsMTSC sentence).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from framing.config import load_config  # noqa: E402
from framing.predict import FramingClassifier  # noqa: E402

STANCES = ["negative", "neutral", "positive"]
TESTS = {"test-rw": "data/stance/newsmtsc/test-rw.jsonl", "test-mt": "data/stance/newsmtsc/test-mt.jsonl",
         "conflict": "data/stance/conflict/test.jsonl"}
PAPER = {"GRU-TSC (paper's best, RoBERTa)": {"test-rw": (83.1, 83.8), "test-mt": (82.5, 84.6)},
         "SPC (RoBERTa cross-encoder)": {"test-rw": (81.1, 82.7), "test-mt": (79.4, 81.6)},
         "SPC (BERT-base)": {"test-rw": (80.1, None), "test-mt": (73.7, None)}}


def rows_of(path: str) -> list[dict]:
    return [json.loads(line) for line in (ROOT / path).open(encoding="utf-8") if line.strip()]


def bootstrap(gold: np.ndarray, pred: np.ndarray, groups: list[str], draws: int = 1000, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    names = sorted(set(groups))
    where = {g: np.flatnonzero(np.array(groups) == g) for g in names}
    labels = range(len(STANCES))
    f1s, accs = [], []
    for _ in range(draws):
        rows = np.concatenate([where[names[i]] for i in rng.integers(0, len(names), len(names))])
        f1s.append(f1_score(gold[rows], pred[rows], average="macro", labels=labels, zero_division=0))
        accs.append(accuracy_score(gold[rows], pred[rows]))
    return {"f1m": float(f1_score(gold, pred, average="macro", labels=labels, zero_division=0)),
            "f1m_ci": [float(np.percentile(f1s, 2.5)), float(np.percentile(f1s, 97.5))],
            "accuracy": float(accuracy_score(gold, pred)),
            "accuracy_ci": [float(np.percentile(accs, 2.5)), float(np.percentile(accs, 97.5))],
            "n": int(len(gold)), "articles": len(names)}


def score(model: Path, backend: str = "torch") -> dict:
    clf = FramingClassifier.from_pretrained(model, backend=backend)
    out = {}
    for name, path in TESTS.items():
        rows = rows_of(path)
        probs = clf.predict_proba([r["text"] for r in rows], [r["text_pair"] for r in rows])
        index = [clf.labels.index(x) for x in STANCES]  # columns in STANCES order
        pred = probs[:, index].argmax(axis=1)
        gold = np.array([STANCES.index(r["label"]) for r in rows])
        out[name] = bootstrap(gold, pred, [r["article"] for r in rows])
    return out


def train_seed(config: str, seed: int, newsmtsc_only: bool) -> tuple[Path, float]:
    from framing.training import train

    cfg = load_config(config)
    name = Path(config).stem + ("-newsmtsc" if newsmtsc_only else "")
    changes = {"seed": seed, "output_dir": str(ROOT / "runs" / "newsmtsc" / f"{name}-seed{seed}"), "progress": False}
    if newsmtsc_only:
        changes.update(train_file="data/stance/newsmtsc/train.jsonl", dev_file="data/stance/newsmtsc/dev-rw.jsonl",
                       test_file="data/stance/newsmtsc/test-rw.jsonl")
    cfg = dataclasses.replace(cfg, **changes)
    started = time.perf_counter()
    train(cfg)
    return Path(cfg.output_dir), time.perf_counter() - started


def table(results: dict[str, dict]) -> str:
    lines = ["| model | test-rw F1m | test-rw acc | test-mt F1m | test-mt acc | conflict F1m | conflict acc |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        cells = []
        for test in TESTS:
            if test not in r:
                cells += ["–", "–"]
                continue
            m = r[test]
            ci = f" [{m['f1m_ci'][0] * 100:.1f}, {m['f1m_ci'][1] * 100:.1f}]" if "f1m_ci" in m else ""
            cells += [f"{m['f1m'] * 100:.1f}{ci}", f"{m['accuracy'] * 100:.1f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for name, r in PAPER.items():
        rw, mt = r["test-rw"], r["test-mt"]
        fmt = lambda v: "–" if v is None else f"{v:.1f}"  # noqa: E731
        lines.append(f"| {name}, paper, mean of 5 | {fmt(rw[0])} | {fmt(rw[1])} | {fmt(mt[0])} | {fmt(mt[1])} | – | – |")
    return "\n".join(lines)


def mean_of(runs: list[dict]) -> dict:
    out = {}
    for test in TESTS:
        f1 = [r[test]["f1m"] for r in runs]
        acc = [r[test]["accuracy"] for r in runs]
        out[test] = {"f1m": float(np.mean(f1)), "f1m_sd": float(np.std(f1)), "accuracy": float(np.mean(acc))}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", action="append", default=[], help="NAME=FOLDER of a trained stance model")
    p.add_argument("--train", help="a stance config to train once per seed")
    p.add_argument("--seeds", default="1,2,3", help="comma-separated seeds for --train (default 1,2,3)")
    p.add_argument("--newsmtsc-only", action="store_true", help="train on the paper's training split alone")
    p.add_argument("--backend", default="torch", choices=["torch", "onnx", "onnx-int8"])
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args()
    results, record = {}, {"backend": args.backend, "models": {}, "seeds": {}}
    for spec in args.model:
        name, _, folder = spec.partition("=")
        results[name] = record["models"][name] = score(Path(folder), args.backend)
    if args.train:
        runs = []
        for seed in [int(s) for s in args.seeds.split(",")]:
            folder, seconds = train_seed(args.train, seed, args.newsmtsc_only)
            r = score(folder, args.backend)
            runs.append(r)
            results[f"{Path(args.train).stem} seed {seed}"] = r
            record["seeds"][seed] = {**r, "train_seconds": round(seconds, 1), "folder": str(folder)}
            print(f"seed {seed}: test-rw F1m {r['test-rw']['f1m'] * 100:.1f}, {seconds:.0f} s", flush=True)
        results[f"{Path(args.train).stem}, mean of {len(runs)} seeds"] = record["mean"] = mean_of(runs)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
