"""Does loading through `datasets` change what a model is trained on? Compare the training inputs both ways.

    .venv/bin/python benchmarks/datasets_equivalence.py configs/default.yaml configs/fast-supervised.yaml configs/gvfc.yaml

For each config: the training rows as `train.py` builds them now (files through `datasets.load_dataset`, a cached
batched `Dataset.map` tokenising them; framing/train_data.py) against tokenising the validated examples directly
(`framing.features.training_features`, the path before `datasets`). Prints the row counts, whether every row's
input ids, attention mask and label are identical and in the same order, and the time of each path (the second
`datasets` run reads the tokenised rows from its cache). Identical inputs in the same order, with the same seed,
give the same batches and so the same training run.
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import ROOT  # noqa: E402,F401  (puts the checkout on sys.path)


def main(configs: list[str]) -> int:
    import datasets
    from transformers import AutoTokenizer

    from framing.config import load_config
    from framing.encoders import resolve_encoder
    from framing.features import training_features
    from framing.train_data import load_splits, training_rows

    datasets.disable_progress_bars()
    print("| config | rows | identical, same order | direct s | datasets s (first / cached) |")
    print("|---|---:|---|---:|---:|")
    same_all = True
    for config in configs:
        cfg = load_config(config)
        splits = load_splits(cfg)
        tokenizer = AutoTokenizer.from_pretrained(resolve_encoder(cfg.encoder))
        started = time.perf_counter()
        direct = training_features(tokenizer, splits.train, cfg.labels, cfg.max_length)
        direct_s = time.perf_counter() - started
        times = []
        for _ in range(2):
            started = time.perf_counter()
            rows, _ = training_rows(cfg, tokenizer, splits)
            times.append(time.perf_counter() - started)
        same = rows.to_list() == direct
        same_all &= same
        print(f"| {config} | {len(rows)} | {'yes' if same else 'NO'} | {direct_s:.2f} | {times[0]:.2f} / {times[1]:.2f} |")
    return 0 if same_all else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["configs/default.yaml"]))
