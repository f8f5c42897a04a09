"""GVFC 5-fold benchmark: train.py on someone else's data and label set, against a published table.

    .venv/bin/python benchmarks/gvfc.py [--folds 0 1 2 3 4] [--data ../shared/benchmarks/gvfc] [any config override]

Trains configs/gvfc.yaml on each fold's train.csv (dev carved from it), scores the fold's test.csv
and prints per-fold and mean accuracy and macro-F1 beside Akyurek et al. (ACL 2020, BERT-base:
accuracy 0.83, macro-F1 0.77). Two macro-F1 figures are printed: the plain 9-class one, and the
published protocol's, which per fold skips classes never predicted or never present.
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
from framing.config import load_config  # noqa: E402
from framing.training import train  # noqa: E402

PUBLISHED = {"accuracy": 0.83, "macro_f1": 0.77}


def published_macro_f1(metrics: dict) -> float:
    """Macro-F1 over the classes that occur in gold and are predicted at least once (the paper's protocol)."""
    matrix = np.array(metrics["confusion_matrix"])
    present, predicted = matrix.sum(axis=1) > 0, matrix.sum(axis=0) > 0
    f1 = [metrics["per_label"][label]["f1"] for i, label in enumerate(metrics["labels"]) if present[i] and predicted[i]]
    return float(np.mean(f1)) if f1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "benchmarks" / "gvfc"))
    parser.add_argument("--config", default=str(ROOT / "configs" / "gvfc.yaml"))
    parser.add_argument("--out", default=str(ROOT / "runs" / "gvfc"))
    parser.add_argument("--retrain", action="store_true",
                        help="train every fold again even if OUT/foldK/metrics.json exists from an earlier run")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="extra config overrides")
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.set)

    rows = []
    for fold in args.folds:
        folder = Path(args.data) / f"fold{fold}"
        cfg = load_config(args.config, {**extra, "train_file": str(folder / "train.csv"),
                                        "test_file": str(folder / "test.csv"),
                                        "output_dir": str(Path(args.out) / f"fold{fold}"), "progress": "false"})
        done = Path(cfg.output_dir) / "metrics.json"
        if done.is_file() and not args.retrain:  # a finished fold from an earlier (interrupted) run
            metrics = json.loads(done.read_text())
            print(f"fold {fold}: reusing {done}")
        else:
            metrics = train(cfg)
        test = metrics["test"]
        rows.append({"fold": fold, "accuracy": test["accuracy"], "macro_f1": test["macro_f1"],
                     "macro_f1_published_protocol": published_macro_f1(test),
                     "seconds": round(metrics["train_seconds"])})
        print(f"fold {fold}: accuracy {test['accuracy']:.3f}  macro-F1 {test['macro_f1']:.3f}  "
              f"(published protocol {rows[-1]['macro_f1_published_protocol']:.3f})  trained in {rows[-1]['seconds']} s", flush=True)

    mean = {k: float(np.mean([r[k] for r in rows])) for k in ("accuracy", "macro_f1", "macro_f1_published_protocol")}
    print(f"\nGVFC, {len(rows)} fold(s), encoder {cfg.encoder}, {cfg.epochs} epochs")
    print(f"{'':32}{'accuracy':>10}{'macro-F1':>10}")
    print(f"{'framing (mean of folds)':32}{mean['accuracy']:>10.3f}{mean['macro_f1']:>10.3f}")
    print(f"{'  macro-F1, published protocol':32}{'':>10}{mean['macro_f1_published_protocol']:>10.3f}")
    print(f"{'BERT-base, Akyurek et al. 2020':32}{PUBLISHED['accuracy']:>10.3f}{PUBLISHED['macro_f1']:>10.3f}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "summary.json").write_text(json.dumps({"folds": rows, "mean": mean, "published": PUBLISHED},
                                                            indent=2) + "\n")


if __name__ == "__main__":
    main()
