"""TF-IDF + logistic regression baseline on the shipped framing corpus (or any config's files).

    .venv/bin/python benchmarks/tfidf_baseline.py [--config configs/default.yaml]

Trains on the train split, picks C on dev, prints dev and test macro-F1 and per-label F1, so the
transformer's gain over a bag of words is visible. Deterministic.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from framing.config import load_config  # noqa: E402
from framing.data import read_examples  # noqa: E402
from framing.evaluation import compute_metrics, format_table  # noqa: E402


def fit_tfidf(train: list, dev: list, labels: list[str]):
    """The baseline fitted on `train` with C picked on `dev` (lists of Example); returns (model, C)."""
    gold = {k: np.array([labels.index(e.label) for e in v]) for k, v in (("train", train), ("dev", dev))}
    texts = {k: [e.text for e in v] for k, v in (("train", train), ("dev", dev))}

    def fit(c: float):
        model = make_pipeline(
            make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
                       TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
            LogisticRegression(C=c, class_weight="balanced", max_iter=3000))
        return model.fit(texts["train"], gold["train"])

    best = max((compute_metrics(fit(c).predict_proba(texts["dev"]), gold["dev"], labels)["macro_f1"], c)
               for c in (0.5, 1.0, 2.0, 5.0, 10.0, 20.0))
    return fit(best[1]), best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/default.yaml")
    args = parser.parse_args()
    cfg = load_config(args.config)
    splits = {name: read_examples(path, cfg.labels) for name, path in
              (("train", cfg.train_file), ("dev", cfg.dev_file), ("test", cfg.test_file))}
    model, c = fit_tfidf(splits["train"], splits["dev"], cfg.labels)
    print(f"TF-IDF (word 1-2 + char 2-5) + logistic regression, balanced, C={c} chosen on dev")
    for split in ("dev", "test"):
        gold = np.array([cfg.labels.index(e.label) for e in splits[split]])
        metrics = compute_metrics(model.predict_proba([e.text for e in splits[split]]), gold, cfg.labels)
        print(f"\n{split}\n{format_table(metrics)}")


if __name__ == "__main__":
    main()
